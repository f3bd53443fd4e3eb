import type { NomadJob } from '../domain/job.js';

/**
 * Nomad's client-side canonicalization (`api.Job.Canonicalize` in api/jobs.go and
 * api/tasks.go): the defaults `/v1/jobs/parse` returns with `Canonicalize: true`, and what
 * every Nomad client applies before register. Pure: returns a new job. Fields the Go struct
 * leaves nil stay absent here (Go would send `null`). Server-side admission (agent region,
 * mutators, validation) is `admitJob` in admit.ts.
 */
export function canonicalizeJob(input: NomadJob, _options: Record<string, never> = {}): NomadJob {
  const job = structuredClone(input) as Obj;
  def(job, 'ID', '');
  def(job, 'Name', job.ID);
  for (const [key, value] of [
    ['ParentID', ''],
    ['Namespace', 'default'],
    ['Priority', 50],
    ['Stop', false],
    ['Region', 'global'],
    ['NodePool', ''],
    ['Type', 'service'],
    ['AllAtOnce', false],
    ['ConsulNamespace', ''],
    ['VaultNamespace', ''],
    ['NomadTokenID', ''],
    ['Status', ''],
    ['StatusDescription', ''],
    ['Stable', false],
    ['Version', 0],
    ['CreateIndex', 0],
    ['ModifyIndex', 0],
    ['JobModifyIndex', 0],
  ] as const) {
    def(job, key, value);
  }
  const type = job.Type as string;
  if (isObj(job.Periodic)) canonicalizePeriodic(job.Periodic);
  if (isObj(job.Update)) fillDefaults(job.Update, defaultUpdate());
  else if (type === 'service') job.Update = defaultUpdate();
  if (isObj(job.Multiregion)) canonicalizeMultiregion(job.Multiregion);
  for (const group of objs(job.TaskGroups)) canonicalizeGroup(group, job, type);
  for (const spread of objs(job.Spreads)) def(spread, 'Weight', 50);
  for (const affinity of objs(job.Affinities)) def(affinity, 'Weight', 50);
  return job as NomadJob;
}

type Obj = Record<string, unknown>;
const S = 1e9;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const objs = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isObj) : []);
/** Sets a default where Go would find a nil pointer (absent or null). */
function def(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}
function fillDefaults(obj: Obj, defaults: Obj): void {
  for (const [key, value] of Object.entries(defaults)) def(obj, key, value);
}
/** Go's `Merge`: a copy of `base` with every non-nil field of `over` on top. */
function merge(base: Obj, over: unknown): Obj {
  const out = { ...base };
  if (isObj(over))
    for (const [key, value] of Object.entries(over)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

const defaultUpdate = (): Obj => ({
  Stagger: 30 * S,
  MaxParallel: 1,
  HealthCheck: 'checks',
  MinHealthyTime: 10 * S,
  HealthyDeadline: 300 * S,
  ProgressDeadline: 600 * S,
  Canary: 0,
  AutoRevert: false,
  AutoPromote: false,
});

/** api.UpdateStrategy.Empty: no field carries a user value. */
function updateEmpty(update: Obj): boolean {
  return !Object.values(update).some(
    (value) => value !== undefined && value !== null && value !== 0 && value !== '' && value !== false,
  );
}

function defaultReschedule(type: string): Obj {
  if (type === 'service')
    return {
      Attempts: 0,
      Interval: 0,
      Delay: 30 * S,
      DelayFunction: 'exponential',
      MaxDelay: 3600 * S,
      Unlimited: true,
    };
  if (type === 'batch')
    return {
      Attempts: 1,
      Interval: 24 * 3600 * S,
      Delay: 5 * S,
      DelayFunction: 'constant',
      MaxDelay: 0,
      Unlimited: false,
    };
  return { Attempts: 0, Interval: 0, Delay: 0, DelayFunction: '', MaxDelay: 0, Unlimited: false };
}

function defaultRestart(type: string): Obj {
  return type === 'service' || type === 'system'
    ? { Attempts: 2, Interval: 1800 * S, Delay: 15 * S, Mode: 'fail', RenderTemplates: false }
    : { Attempts: 3, Interval: 24 * 3600 * S, Delay: 15 * S, Mode: 'fail', RenderTemplates: false };
}

const defaultMigrate = (): Obj => ({
  MaxParallel: 1,
  HealthCheck: 'checks',
  MinHealthyTime: 10 * S,
  HealthyDeadline: 300 * S,
});

function canonicalizePeriodic(periodic: Obj): void {
  def(periodic, 'Enabled', true);
  const spec = periodic.Spec;
  if (!(typeof spec === 'string' && spec !== '') && !(Array.isArray(spec) && spec.length > 0)) periodic.Spec = '';
  def(periodic, 'SpecType', 'cron');
  def(periodic, 'ProhibitOverlap', false);
  if (!periodic.TimeZone) periodic.TimeZone = 'UTC';
}

function canonicalizeMultiregion(multiregion: Obj): void {
  multiregion.Strategy = merge({ MaxParallel: 0, OnFailure: '' }, multiregion.Strategy);
  def(multiregion, 'Regions', []);
  for (const region of objs(multiregion.Regions)) {
    def(region, 'Count', 1);
    def(region, 'Datacenters', []);
    def(region, 'Meta', {});
  }
}

function canonicalizeGroup(group: Obj, job: Obj, type: string): void {
  def(group, 'Name', '');
  if (group.Count === undefined || group.Count === null) {
    const min = isObj(group.Scaling) ? group.Scaling.Min : undefined;
    group.Count = typeof min === 'number' ? min : 1;
  }
  if (isObj(group.Scaling)) fillDefaults(group.Scaling, { Min: group.Count, Enabled: true, Type: 'horizontal' });
  group.EphemeralDisk = merge({ Sticky: false, Migrate: false, SizeMB: 300 }, group.EphemeralDisk);
  const consul = isObj(group.Consul) ? group.Consul : {};
  if (!consul.Namespace) consul.Namespace = job.ConsulNamespace ?? '';
  if (!consul.Cluster) consul.Cluster = 'default';
  group.Consul = consul;
  if (isObj(job.Update) && isObj(group.Update)) group.Update = merge(job.Update, group.Update);
  else if (isObj(job.Update) && !updateEmpty(job.Update)) group.Update = { ...job.Update };
  if (isObj(group.Update)) fillDefaults(group.Update, defaultUpdate());
  if (isObj(job.Reschedule)) group.ReschedulePolicy = merge(job.Reschedule, group.ReschedulePolicy);
  if (!isObj(group.ReschedulePolicy) && type !== 'system') group.ReschedulePolicy = defaultReschedule(type);
  if (isObj(group.ReschedulePolicy)) fillDefaults(group.ReschedulePolicy, defaultReschedule(type));
  if (isObj(job.Migrate)) group.Migrate = merge(job.Migrate, group.Migrate);
  if (!isObj(group.Migrate) && type === 'service') group.Migrate = {};
  if (isObj(group.Migrate)) fillDefaults(group.Migrate, defaultMigrate());
  group.RestartPolicy = merge(defaultRestart(type), group.RestartPolicy);
  for (const task of objs(group.Tasks)) canonicalizeTask(task, group, job);
  for (const spread of objs(group.Spreads)) def(spread, 'Weight', 50);
  for (const affinity of objs(group.Affinities)) def(affinity, 'Weight', 50);
  for (const service of objs(group.Services)) canonicalizeService(service, undefined, group, job);
  def(group, 'PreventRescheduleOnLost', false);
  if (isObj(group.Disconnect)) fillDefaults(group.Disconnect, { Replace: true, Reconcile: 'best_score' });
}

function canonicalizeTask(task: Obj, group: Obj, job: Obj): void {
  const resources = isObj(task.Resources) ? task.Resources : {};
  if (resources.Cores === undefined || resources.Cores === null) {
    resources.Cores = 0;
    def(resources, 'CPU', 100);
  }
  def(resources, 'CPU', 0);
  def(resources, 'MemoryMB', 300);
  task.Resources = resources;
  def(task, 'KillTimeout', 5 * S);
  task.LogConfig = merge({ MaxFiles: 10, MaxFileSizeMB: 10, Disabled: false }, task.LogConfig);
  for (const artifact of objs(task.Artifacts)) canonicalizeArtifact(artifact);
  if (isObj(task.Vault)) canonicalizeVault(task.Vault);
  if (isObj(task.Consul) && !task.Consul.Cluster) task.Consul.Cluster = 'default';
  for (const template of objs(task.Templates)) canonicalizeTemplate(template);
  for (const service of objs(task.Services)) canonicalizeService(service, task, group, job);
  for (const affinity of objs(task.Affinities)) def(affinity, 'Weight', 50);
  for (const mount of objs(task.VolumeMounts))
    fillDefaults(mount, { PropagationMode: 'private', ReadOnly: false, SELinuxLabel: '' });
  if (!isObj(task.Lifecycle) || !task.Lifecycle.Hook) task.Lifecycle = null;
  task.RestartPolicy = merge(group.RestartPolicy as Obj, task.RestartPolicy);
}

function canonicalizeArtifact(artifact: Obj): void {
  def(artifact, 'GetterMode', 'any');
  def(artifact, 'GetterInsecure', false);
  def(artifact, 'GetterSource', '');
  if (!isObj(artifact.GetterOptions) || Object.keys(artifact.GetterOptions).length === 0) artifact.GetterOptions = null;
  if (!isObj(artifact.GetterHeaders) || Object.keys(artifact.GetterHeaders).length === 0) artifact.GetterHeaders = null;
  if (artifact.RelativeDest === undefined || artifact.RelativeDest === null) {
    const base = String(artifact.GetterSource).split('/').filter(Boolean).pop() ?? '';
    artifact.RelativeDest = artifact.GetterMode === 'file' ? `local/${base}` : 'local/';
  }
}

function canonicalizeVault(vault: Obj): void {
  fillDefaults(vault, {
    Env: true,
    DisableFile: false,
    Namespace: '',
    ChangeMode: 'restart',
    ChangeSignal: 'SIGHUP',
    AllowTokenExpiration: false,
  });
  if (!vault.Cluster) vault.Cluster = 'default';
}

function canonicalizeTemplate(template: Obj): void {
  fillDefaults(template, { SourcePath: '', DestPath: '', EmbeddedTmpl: '', ChangeMode: 'restart' });
  if (template.ChangeSignal === undefined || template.ChangeSignal === null)
    template.ChangeSignal = template.ChangeMode === 'signal' ? 'SIGHUP' : '';
  else template.ChangeSignal = String(template.ChangeSignal).toUpperCase();
  if (isObj(template.ChangeScript))
    fillDefaults(template.ChangeScript, { Command: '', Args: [], Timeout: 5 * S, FailOnError: false });
  fillDefaults(template, {
    Splay: 5 * S,
    Perms: '0644',
    LeftDelim: '{{',
    RightDelim: '}}',
    Envvars: false,
    ErrMissingKey: false,
    VaultGrace: 0,
  });
}

/** api.Service.Canonicalize: default name, modes and provider; checks inherit OnUpdate. */
function canonicalizeService(service: Obj, task: Obj | undefined, group: Obj, job: Obj): void {
  if (!service.Name) service.Name = [job.Name, group.Name, task?.Name].filter((part) => part !== undefined).join('-');
  if (!service.AddressMode) service.AddressMode = 'auto';
  if (!service.OnUpdate) service.OnUpdate = 'require_healthy';
  if (!service.Provider) service.Provider = 'consul';
  if (!service.Cluster) service.Cluster = 'default';
  for (const key of ['Meta', 'CanaryMeta', 'TaggedAddresses']) {
    if (isObj(service[key]) && Object.keys(service[key] as Obj).length === 0) service[key] = null;
  }
  for (const check of objs(service.Checks)) {
    if (!check.OnUpdate) check.OnUpdate = service.OnUpdate;
    for (const key of ['SuccessBeforePassing', 'FailuresBeforeCritical'])
      if (typeof check[key] === 'number' && (check[key] as number) < 0) check[key] = 0;
  }
}
