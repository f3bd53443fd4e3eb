// The API's shapes. Status types come from domain/ (shared with the server); the rest mirror
// the JSON the routes answer with.
import type { AppStatus, AppView, Condition, FieldDiff, HealthCode, PlanSummary } from '../../src/domain/app.ts';
import type { JobAction, SyncRun as StoredRun } from '../../src/domain/sync-run.ts';
import type { AllocationNode, JobNode, ResourceTree, TaskGroupNode } from '../../src/domain/resources.ts';

export type {
  AppStatus,
  Condition,
  FieldDiff,
  HealthCode,
  PlanSummary,
  AllocationNode,
  JobNode,
  ResourceTree,
  TaskGroupNode,
};

/** An app as `GET /api/v1/apps` answers it: the server's own type. */
export type App = AppView;

export type { JobAction } from '../../src/domain/sync-run.ts';
/** A run as the API answers it: stored, so it always has its ID. */
export type SyncRun = StoredRun & { id: number };

export type JobDiff = {
  id: string;
  namespace: string;
  file?: string;
  status: string;
  ownership?: unknown;
  diff: FieldDiff[];
};

export type DiffView = {
  revision?: string;
  status: string;
  conditions: Condition[];
  jobs: JobDiff[];
  actions?: JobAction[];
};

export type Role = 'viewer' | 'operator' | 'admin';
export type Principal = { kind: string; id: string; name?: string; email?: string; role: Role; apps: string[] };
