type Obj = Record<string, unknown>;

/**
 * The keys Nomad's server structs always send (nomad/structs: Job, TaskGroup, Task), with the
 * zero value Go marshals when a field was never set: `null` for pointers, maps and slices,
 * `""`, `0` and `false` for values. A job read from Nomad carries all of them.
 */
const JOB_KEYS: Obj = {
  Stop: false,
  Region: '',
  Namespace: '',
  ID: '',
  ParentID: '',
  Name: '',
  Type: '',
  Priority: 0,
  AllAtOnce: false,
  Datacenters: null,
  NodePool: '',
  Constraints: null,
  Affinities: null,
  Spreads: null,
  TaskGroups: null,
  Update: null,
  Multiregion: null,
  Periodic: null,
  ParameterizedJob: null,
  Dispatched: false,
  DispatchIdempotencyToken: '',
  Payload: null,
  Meta: null,
  ConsulNamespace: '',
  VaultNamespace: '',
  NomadTokenID: '',
  Status: '',
  StatusDescription: '',
  Stable: false,
  Version: 0,
  SubmitTime: 0,
  CreateIndex: 0,
  ModifyIndex: 0,
  JobModifyIndex: 0,
  UI: null,
  VersionTag: null,
};

const GROUP_KEYS: Obj = {
  Name: '',
  Count: 0,
  Update: null,
  Migrate: null,
  Constraints: null,
  Scaling: null,
  RestartPolicy: null,
  Disconnect: null,
  Tasks: null,
  EphemeralDisk: null,
  Meta: null,
  ReschedulePolicy: null,
  Affinities: null,
  Spreads: null,
  Networks: null,
  Consul: null,
  Services: null,
  Volumes: null,
  ShutdownDelay: null,
  StopAfterClientDisconnect: null,
  MaxClientDisconnect: null,
  PreventRescheduleOnLost: false,
};

const TASK_KEYS: Obj = {
  Name: '',
  Driver: '',
  User: '',
  Config: null,
  Env: null,
  Services: null,
  Vault: null,
  Consul: null,
  Templates: null,
  Constraints: null,
  Affinities: null,
  Resources: null,
  RestartPolicy: null,
  DispatchPayload: null,
  Lifecycle: null,
  Meta: null,
  KillTimeout: 0,
  LogConfig: null,
  Artifacts: null,
  Leader: false,
  ShutdownDelay: 0,
  VolumeMounts: null,
  ScalingPolicies: null,
  KillSignal: '',
  Kind: '',
  CSIPluginConfig: null,
  Identity: null,
  Identities: null,
  Actions: null,
  Schedule: null,
};

const RESOURCE_KEYS: Obj = {
  CPU: 0,
  Cores: 0,
  MemoryMB: 0,
  MemoryMaxMB: 0,
  DiskMB: 0,
  IOPS: 0,
  SecretsMB: 0,
  Networks: null,
  Devices: null,
  NUMA: null,
};
const CONSUL_KEYS: Obj = { Namespace: '', Cluster: '', Partition: '' };

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

function fill(target: Obj, keys: Obj): void {
  for (const [key, zero] of Object.entries(keys)) if (target[key] === undefined) target[key] = zero;
}

/** Adds every key the server sends with its zero value (in place); existing values are kept. */
export function fillServerKeys(job: Obj): void {
  fill(job, JOB_KEYS);
  for (const group of Array.isArray(job.TaskGroups) ? job.TaskGroups.filter(isObj) : []) {
    fill(group, GROUP_KEYS);
    if (isObj(group.Consul)) fill(group.Consul, CONSUL_KEYS);
    for (const task of Array.isArray(group.Tasks) ? group.Tasks.filter(isObj) : []) {
      fill(task, TASK_KEYS);
      if (isObj(task.Resources)) fill(task.Resources, RESOURCE_KEYS);
    }
  }
}
