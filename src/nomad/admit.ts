import type { NomadJob } from '../domain/job.js';
import { canonicalizeJob } from './canonicalize.js';
import { fillServerKeys } from './server-shape.js';
import { validateJob } from './validate.js';

export type AdmitContext = {
  /** Namespace the write targets (query param, else body, else the job's). Empty keeps the job's. */
  namespace?: string;
  /** The agent's region: a job in `global` (or none) is stored there. */
  region: string;
  /** Add every remaining key the server struct sends, with its zero value (default true). */
  serverKeys?: boolean;
};

export type AdmitResult = { job: NomadJob; errors: string[]; warnings: string[] };

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const objs = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isObj) : []);
const emptyToNull = (obj: Obj, keys: string[]) => {
  for (const key of keys) {
    const value = obj[key];
    if (
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (isObj(value) && Object.keys(value).length === 0)
    )
      obj[key] = null;
  }
};

/**
 * What a Nomad server does to a job on register and plan (reference §3.1 region rule, §3.2
 * mutators, then validation): canonicalize, store it in the agent's region, fill server
 * defaults (node pool, datacenters, identity, service namespaces, check names), append the
 * implied constraints, add every key the server struct sends (zero values), and validate.
 * Pure. `errors` non-empty means Nomad would answer 500.
 */
export function admitJob(input: NomadJob, context: AdmitContext): AdmitResult {
  const job = canonicalizeJob(input) as Obj;
  if (context.namespace) job.Namespace = context.namespace;
  if (!job.Namespace) job.Namespace = 'default';
  const multiregion = isObj(job.Multiregion) && objs(job.Multiregion.Regions).length > 0;
  if (!multiregion && (!job.Region || job.Region === 'global')) job.Region = context.region;
  if (!job.NodePool) job.NodePool = 'default';
  if (!Array.isArray(job.Datacenters) || job.Datacenters.length === 0) job.Datacenters = ['*'];
  job.Update = storedJobUpdate(job.Update);
  delete job.Reschedule;
  delete job.Migrate;
  emptyToNull(job, ['Meta', 'Constraints', 'Affinities', 'Spreads']);
  for (const group of objs(job.TaskGroups)) mutateGroup(group, job);
  if (context.serverKeys !== false) fillServerKeys(job);
  const warnings: string[] = [];
  return { job: job as NomadJob, errors: validateJob(job as NomadJob), warnings };
}

/** The server keeps only Stagger and MaxParallel at job level (when MaxParallel > 0); the rest lives on groups. */
function storedJobUpdate(update: unknown): Obj {
  const maxParallel = isObj(update) && typeof update.MaxParallel === 'number' ? update.MaxParallel : 0;
  return {
    Stagger: maxParallel > 0 && isObj(update) ? (update.Stagger ?? 0) : 0,
    MaxParallel: maxParallel > 0 ? maxParallel : 0,
    HealthCheck: '',
    MinHealthyTime: 0,
    HealthyDeadline: 0,
    ProgressDeadline: 0,
    Canary: 0,
    AutoRevert: false,
    AutoPromote: false,
  };
}

function mutateGroup(group: Obj, job: Obj): void {
  emptyToNull(group, ['Meta', 'Constraints', 'Affinities', 'Spreads']);
  for (const network of objs(group.Networks)) defaultHostNetwork(network);
  for (const service of objs(group.Services)) mutateService(service, job, group, undefined);
  const signals = new Set<string>();
  for (const task of objs(group.Tasks)) {
    emptyToNull(task, ['Meta', 'Constraints', 'Affinities', 'Config', 'Env']);
    for (const service of objs(task.Services)) mutateService(service, job, group, task);
    for (const network of objs(isObj(task.Resources) ? task.Resources.Networks : undefined))
      defaultHostNetwork(network);
    defaultIdentity(task);
    for (const signal of taskSignals(task)) signals.add(signal);
  }
  addImpliedConstraints(group, signals);
}

function defaultHostNetwork(network: Obj): void {
  for (const port of [...objs(network.ReservedPorts), ...objs(network.DynamicPorts)])
    if (!port.HostNetwork) port.HostNetwork = 'default';
}

const interpolate = (text: string, job: Obj, group: Obj, task: Obj | undefined) =>
  text
    .replaceAll('${JOB}', String(job.Name))
    .replaceAll('${TASKGROUP}', String(group.Name))
    .replaceAll('${TASK}', String(task?.Name ?? ''))
    .replaceAll('${BASE}', `${String(job.Name)}-${String(group.Name)}${task ? `-${String(task.Name)}` : ''}`);

function mutateService(service: Obj, job: Obj, group: Obj, task: Obj | undefined): void {
  service.Name = interpolate(String(service.Name ?? ''), job, group, task);
  if (task) service.TaskName = task.Name;
  service.Namespace = service.Provider === 'nomad' ? job.Namespace : 'default';
  emptyToNull(service, ['Tags', 'Checks']);
  for (const check of objs(service.Checks)) {
    if (!check.Name) check.Name = `service: "${String(service.Name)}" check`;
    if (!check.OnUpdate) check.OnUpdate = service.OnUpdate;
  }
}

/** Every task carries the default workload identity; a `default` or unnamed identity block becomes it. */
function defaultIdentity(task: Obj): void {
  const identities = objs(task.Identities);
  const named = identities.find((identity) => !identity.Name || identity.Name === 'default');
  const base = {
    Name: 'default',
    Audience: ['nomadproject.io'],
    ChangeMode: '',
    ChangeSignal: '',
    Env: false,
    File: false,
    Filepath: '',
    ServiceName: '',
    TTL: 0,
  };
  if (named) {
    task.Identity = { ...base, ...named, Name: 'default' };
    task.Identities = identities.filter((identity) => identity !== named);
    if ((task.Identities as Obj[]).length === 0) task.Identities = null;
  } else if (!isObj(task.Identity)) {
    task.Identity = base;
  }
}

function taskSignals(task: Obj): string[] {
  const signals: string[] = [];
  if (typeof task.KillSignal === 'string' && task.KillSignal) signals.push(task.KillSignal);
  for (const template of objs(task.Templates))
    if (template.ChangeMode === 'signal' && template.ChangeSignal) signals.push(String(template.ChangeSignal));
  if (isObj(task.Vault) && task.Vault.ChangeMode === 'signal' && task.Vault.ChangeSignal)
    signals.push(String(task.Vault.ChangeSignal));
  return signals;
}

/** The constraints Nomad's implied-constraint, Vault and service mutators append to a group. */
function addImpliedConstraints(group: Obj, signals: Set<string>): void {
  const tasks = objs(group.Tasks);
  const services = [...objs(group.Services), ...tasks.flatMap((task) => objs(task.Services))];
  const implied: Obj[] = [];
  if (tasks.some((task) => isObj(task.Vault)))
    implied.push({ LTarget: '${attr.vault.version}', RTarget: '>= 0.6.1', Operand: 'semver' });
  if (services.some((service) => service.Provider !== 'nomad'))
    implied.push({ LTarget: '${attr.consul.version}', RTarget: '>= 1.8.0', Operand: 'semver' });
  if (services.some((service) => service.Provider === 'nomad'))
    implied.push({ LTarget: '${attr.nomad.service_discovery}', RTarget: 'true', Operand: '=' });
  if (signals.size > 0)
    implied.push({ LTarget: '${attr.os.signals}', RTarget: [...signals].sort().join(','), Operand: 'set_contains' });
  if (implied.length === 0) return;
  const existing = objs(group.Constraints);
  const fresh = implied.filter((c) => !existing.some((e) => e.LTarget === c.LTarget && e.Operand === c.Operand));
  if (fresh.length > 0) group.Constraints = [...existing, ...fresh];
}
