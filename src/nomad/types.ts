/**
 * Shapes of Nomad's API objects (field names exactly as Nomad sends them). Only the fields
 * Drover reads are typed; the rest pass through.
 */

/** JobDiff as returned by plan with Diff=true and by versions with diffs=true. */
export type DiffType = 'Added' | 'Deleted' | 'Edited' | 'None';
export type FieldDiff = { Type: DiffType; Name: string; Old: string; New: string; Annotations: string[] | null };
export type ObjectDiff = { Type: DiffType; Name: string; Fields: FieldDiff[] | null; Objects: ObjectDiff[] | null };
export type TaskDiff = {
  Type: DiffType;
  Name: string;
  Fields: FieldDiff[] | null;
  Objects: ObjectDiff[] | null;
  Annotations: string[] | null;
};
export type TaskGroupDiff = {
  Type: DiffType;
  Name: string;
  Fields: FieldDiff[] | null;
  Objects: ObjectDiff[] | null;
  Tasks: TaskDiff[] | null;
  Updates: Record<string, number> | null;
};
export type JobDiff = {
  Type: DiffType;
  ID: string;
  Fields: FieldDiff[] | null;
  Objects: ObjectDiff[] | null;
  TaskGroups: TaskGroupDiff[] | null;
};

export type DesiredUpdates = {
  Ignore: number;
  Place: number;
  Migrate: number;
  Stop: number;
  InPlaceUpdate: number;
  DestructiveUpdate: number;
  Canary: number;
  Preemptions: number;
  Disconnect?: number;
  Reconnect?: number;
  RescheduleNow?: number;
  RescheduleLater?: number;
};

export type TaskGroupSummary = {
  Queued: number;
  Complete: number;
  Failed: number;
  Running: number;
  Starting: number;
  Lost: number;
  Unknown: number;
};
export type JobSummary = {
  JobID: string;
  Namespace: string;
  Summary: Record<string, TaskGroupSummary>;
  Children: { Pending: number; Running: number; Dead: number } | null;
  CreateIndex: number;
  ModifyIndex: number;
};

export type Evaluation = {
  ID: string;
  Namespace: string;
  Priority: number;
  Type: string;
  TriggeredBy: string;
  JobID: string;
  JobModifyIndex: number;
  DeploymentID: string;
  Status: string;
  StatusDescription: string;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
  [key: string]: unknown;
};

export type TaskState = {
  State: string;
  Failed: boolean;
  Restarts: number;
  StartedAt: string | null;
  FinishedAt: string | null;
  Events: unknown[];
};

export type AllocationListStub = {
  ID: string;
  EvalID: string;
  Name: string;
  Namespace: string;
  NodeID: string;
  NodeName: string;
  JobID: string;
  JobType: string;
  JobVersion: number;
  TaskGroup: string;
  DesiredStatus: string;
  DesiredDescription: string;
  ClientStatus: string;
  ClientDescription: string;
  TaskStates: Record<string, TaskState> | null;
  DeploymentStatus: { Healthy: boolean | null; Timestamp: string; Canary: boolean; ModifyIndex: number } | null;
  NextAllocation: string;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
  [key: string]: unknown;
};

export type Allocation = AllocationListStub & { Job: Record<string, unknown> | null; DeploymentID: string };

export type DeploymentGroupState = {
  AutoRevert: boolean;
  AutoPromote: boolean;
  ProgressDeadline: number;
  RequireProgressBy: string;
  Promoted: boolean;
  PlacedCanaries: string[] | null;
  DesiredCanaries: number;
  DesiredTotal: number;
  PlacedAllocs: number;
  HealthyAllocs: number;
  UnhealthyAllocs: number;
};

export type Deployment = {
  ID: string;
  Namespace: string;
  JobID: string;
  JobVersion: number;
  JobModifyIndex: number;
  JobSpecModifyIndex: number;
  JobCreateIndex: number;
  IsMultiregion: boolean;
  TaskGroups: Record<string, DeploymentGroupState>;
  Status: string;
  StatusDescription: string;
  EvalPriority: number;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
};

export type Namespace = {
  Name: string;
  Description: string;
  Quota: string;
  Capabilities: Record<string, unknown> | null;
  Meta: Record<string, string> | null;
  CreateIndex: number;
  ModifyIndex: number;
  [key: string]: unknown;
};

export type VariableLock = { TTL: string; LockDelay: string; ID?: string };
export type VariableMetadata = {
  Namespace: string;
  Path: string;
  Lock?: VariableLock;
  CreateIndex: number;
  CreateTime: number;
  ModifyIndex: number;
  ModifyTime: number;
};
export type Variable = VariableMetadata & { Items: Record<string, string> };

export type ACLToken = {
  AccessorID: string;
  SecretID: string;
  Name: string;
  Type: string;
  Policies: string[] | null;
  Roles: unknown[] | null;
  Global: boolean;
  CreateTime: string;
  ExpirationTime: string | null;
  CreateIndex: number;
  ModifyIndex: number;
  [key: string]: unknown;
};

/** One event of /v1/event/stream. */
export type NomadEvent = {
  Topic: string;
  Type: string;
  Key: string;
  Namespace: string;
  FilterKeys: string[] | null;
  Index: number;
  Payload: Record<string, unknown>;
};
