import type { NomadJob } from '../domain/job.js';
import type { DiffType, FieldDiff, JobDiff, ObjectDiff, TaskDiff, TaskGroupDiff } from './types.js';

/**
 * Nomad's structural job diff (nomad/structs/diff.go) as plan (`Diff: true`) and versions
 * (`diffs=true`) return it. `contextual` (plan) lists the unchanged fields of a changed object
 * with Type "None". Like Nomad, spreads and task Lifecycle are not diffed. Both jobs should
 * be admitted (admitJob) first so defaults do not show as changes.
 */
export function jobDiff(old: NomadJob | undefined, next: NomadJob | undefined, contextual: boolean): JobDiff {
  const o = (old ?? {}) as Obj;
  const n = (next ?? {}) as Obj;
  const ctx: Ctx = { contextual };
  const fields = [...primitiveFields(o, n, JOB_SKIP, ctx), ...mapFields('Meta', o.Meta, n.Meta, ctx)];
  const objects = [
    setObject('Datacenters', o.Datacenters, n.Datacenters, ctx),
    ...listObjects('Constraint', o.Constraints, n.Constraints, ctx),
    ...listObjects('Affinity', o.Affinities, n.Affinities, ctx),
    structObject('Periodic', o.Periodic, n.Periodic, ctx),
    structObject('ParameterizedJob', o.ParameterizedJob, n.ParameterizedJob, ctx),
    structObject('Multiregion', o.Multiregion, n.Multiregion, ctx),
    structObject('UI', o.UI, n.UI, ctx),
  ].filter(present);
  const groups = pairByName(o.TaskGroups, n.TaskGroups).map(([a, b]) => groupDiff(a, b, ctx));
  const type: DiffType = !old ? 'Added' : !next ? 'Deleted' : changed(fields, objects, groups) ? 'Edited' : 'None';
  return {
    Type: type,
    ID: String(n.ID ?? o.ID ?? ''),
    Fields: nullIfEmpty(fields),
    Objects: nullIfEmpty(objects),
    TaskGroups: nullIfEmpty(groups),
  };
}

type Obj = Record<string, unknown>;
type Ctx = { contextual: boolean };
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const objs = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isObj) : []);
const present = <T>(value: T | undefined): value is T => value !== undefined;
const nullIfEmpty = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);
const isPrimitive = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
const changed = (...lists: Array<Array<{ Type: DiffType }>>) =>
  lists.some((list) => list.some((d) => d.Type !== 'None'));

const JOB_SKIP = new Set([
  'ID',
  'Status',
  'StatusDescription',
  'Version',
  'Stable',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'Update',
  'SubmitTime',
  'NomadTokenID',
  'VaultToken',
  'ConsulToken',
]);
const GROUP_SKIP = new Set(['Name']);
const TASK_SKIP = new Set(['Name']);

function fieldDiff(name: string, old: string, next: string, ctx: Ctx): FieldDiff | undefined {
  if (old === next)
    return ctx.contextual ? { Type: 'None', Name: name, Old: old, New: next, Annotations: null } : undefined;
  const type: DiffType = old === '' ? 'Added' : next === '' ? 'Deleted' : 'Edited';
  return { Type: type, Name: name, Old: old, New: next, Annotations: null };
}

/** Flattens values the way Nomad's flatmap does: `a.b`, `list[0]`, `map[key]`. */
function flatten(value: unknown, prefix: string, out: Map<string, string>, primitiveOnly: boolean): void {
  if (value === undefined || value === null) return;
  if (isPrimitive(value)) {
    out.set(prefix, String(value));
  } else if (Array.isArray(value)) {
    if (!primitiveOnly) value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, out, false));
  } else if (isObj(value)) {
    if (primitiveOnly && prefix !== '') return;
    for (const [key, item] of Object.entries(value))
      flatten(item, prefix === '' ? key : primitiveOnly ? `${prefix}.${key}` : `${prefix}[${key}]`, out, primitiveOnly);
  }
}

function fieldsOf(old: Map<string, string>, next: Map<string, string>, ctx: Ctx): FieldDiff[] {
  const names = [...new Set([...old.keys(), ...next.keys()])].sort();
  return names.map((name) => fieldDiff(name, old.get(name) ?? '', next.get(name) ?? '', ctx)).filter(present);
}

/** Top-level primitive fields: only real changes, whatever the mode. */
function primitiveFields(old: Obj, next: Obj, skip: Set<string>, ctx: Ctx): FieldDiff[] {
  const pick = (obj: Obj) => {
    const out = new Map<string, string>();
    for (const [key, value] of Object.entries(obj))
      if (!skip.has(key) && isPrimitive(value)) out.set(key, String(value));
    return out;
  };
  return fieldsOf(pick(old), pick(next), { ...ctx, contextual: false });
}

function mapFields(name: string, old: unknown, next: unknown, ctx: Ctx): FieldDiff[] {
  const pick = (value: unknown) =>
    new Map(Object.entries(isObj(value) ? value : {}).map(([k, v]) => [`${name}[${k}]`, String(v)]));
  return fieldsOf(pick(old), pick(next), { ...ctx, contextual: false });
}

/** A struct compared field by field (`RestartPolicy`, `Resources`...); nested values flattened when `deep`. */
function structObject(name: string, old: unknown, next: unknown, ctx: Ctx, deep = false): ObjectDiff | undefined {
  if (!isObj(old) && !isObj(next)) return undefined;
  const flat = (value: unknown) => {
    const out = new Map<string, string>();
    if (isObj(value)) {
      if (deep) flatten(value, '', out, false);
      else for (const [key, item] of Object.entries(value)) if (isPrimitive(item)) out.set(key, String(item));
    }
    return out;
  };
  const type: DiffType = !isObj(old) ? 'Added' : !isObj(next) ? 'Deleted' : 'Edited';
  const fields = fieldsOf(flat(old), flat(next), { contextual: ctx.contextual || type !== 'Edited' });
  if (type === 'Edited' && !fields.some((f) => f.Type !== 'None')) return undefined;
  return { Type: type, Name: name, Fields: nullIfEmpty(fields), Objects: null };
}

/** A list of strings compared as a set (`Datacenters`, `Tags`). */
function setObject(name: string, old: unknown, next: unknown, ctx: Ctx): ObjectDiff | undefined {
  const a = new Set((Array.isArray(old) ? old : []).map(String));
  const b = new Set((Array.isArray(next) ? next : []).map(String));
  const fields: FieldDiff[] = [];
  for (const value of [...new Set([...a, ...b])].sort()) {
    if (a.has(value) && b.has(value)) {
      if (ctx.contextual) fields.push({ Type: 'None', Name: name, Old: value, New: value, Annotations: null });
    } else {
      fields.push({
        Type: a.has(value) ? 'Deleted' : 'Added',
        Name: name,
        Old: a.has(value) ? value : '',
        New: b.has(value) ? value : '',
        Annotations: null,
      });
    }
  }
  if (!fields.some((f) => f.Type !== 'None')) return undefined;
  const type: DiffType = a.size === 0 ? 'Added' : b.size === 0 ? 'Deleted' : 'Edited';
  return { Type: type, Name: name, Fields: fields, Objects: null };
}

/** A list of objects compared as a set: identical items drop out, the others are Deleted/Added. */
function listObjects(name: string, old: unknown, next: unknown, ctx: Ctx, deep = false): ObjectDiff[] {
  const key = (value: Obj) => JSON.stringify(value, Object.keys(value).sort());
  const a = objs(old);
  const b = objs(next);
  const bKeys = new Set(b.map(key));
  const aKeys = new Set(a.map(key));
  return [
    ...a.filter((item) => !bKeys.has(key(item))).map((item) => structObject(name, item, undefined, ctx, deep)),
    ...b.filter((item) => !aKeys.has(key(item))).map((item) => structObject(name, undefined, item, ctx, deep)),
  ].filter(present);
}

/** Services are matched by name, so an edited service shows as Edited with its checks inside. */
function serviceObjects(old: unknown, next: unknown, ctx: Ctx): ObjectDiff[] {
  return pairByName(old, next)
    .map(([a, b]) => {
      const base = structObject('Service', a, b, ctx);
      const tags = setObject('Tags', a?.Tags, b?.Tags, ctx);
      const checks = listObjects('Check', a?.Checks, b?.Checks, ctx);
      const nested = [tags, ...checks].filter(present);
      if (!base && nested.length === 0) return undefined;
      const type: DiffType = !a ? 'Added' : !b ? 'Deleted' : 'Edited';
      const fields =
        base?.Fields ??
        (ctx.contextual ? (structObject('Service', a, b, { contextual: true }, false)?.Fields ?? null) : null);
      return { Type: type, Name: 'Service', Fields: fields, Objects: nullIfEmpty(nested) };
    })
    .filter(present);
}

function pairByName(old: unknown, next: unknown): Array<[Obj | undefined, Obj | undefined]> {
  const a = new Map(objs(old).map((item) => [String(item.Name ?? ''), item]));
  const b = new Map(objs(next).map((item) => [String(item.Name ?? ''), item]));
  return [...new Set([...a.keys(), ...b.keys()])].sort().map((name) => [a.get(name), b.get(name)]);
}

function groupDiff(old: Obj | undefined, next: Obj | undefined, ctx: Ctx): TaskGroupDiff {
  const o = old ?? {};
  const n = next ?? {};
  const sub = { contextual: ctx.contextual || !old || !next };
  const fields = [
    ...(old && next
      ? primitiveFields(o, n, GROUP_SKIP, ctx)
      : fieldsOf(prims(o, GROUP_SKIP), prims(n, GROUP_SKIP), { contextual: false })),
    ...mapFields('Meta', o.Meta, n.Meta, ctx),
  ];
  const objects = [
    ...listObjects('Constraint', o.Constraints, n.Constraints, sub),
    ...listObjects('Affinity', o.Affinities, n.Affinities, sub),
    ...[
      'RestartPolicy',
      'ReschedulePolicy',
      'Migrate',
      'Update',
      'EphemeralDisk',
      'Disconnect',
      'Consul',
      'Scaling',
    ].map((key) => structObject(key, o[key], n[key], sub)),
    ...listObjects('Network', o.Networks, n.Networks, sub, true),
    ...serviceObjects(o.Services, n.Services, sub),
    ...pairByName(
      Object.values(isObj(o.Volumes) ? o.Volumes : {}),
      Object.values(isObj(n.Volumes) ? n.Volumes : {}),
    ).map(([a, b]) => structObject('Volume', a, b, sub)),
  ].filter(present);
  const tasks = pairByName(o.Tasks, n.Tasks).map(([a, b]) => taskDiff(a, b, sub));
  const type: DiffType = !old ? 'Added' : !next ? 'Deleted' : changed(fields, objects, tasks) ? 'Edited' : 'None';
  return {
    Type: type,
    Name: String(n.Name ?? o.Name),
    Fields: nullIfEmpty(fields),
    Objects: nullIfEmpty(objects),
    Tasks: nullIfEmpty(tasks),
    Updates: null,
  };
}

function prims(obj: Obj, skip: Set<string>): Map<string, string> {
  return new Map(
    Object.entries(obj)
      .filter(([key, value]) => !skip.has(key) && isPrimitive(value))
      .map(([key, value]) => [key, String(value)]),
  );
}

function taskDiff(old: Obj | undefined, next: Obj | undefined, ctx: Ctx): TaskDiff {
  const o = old ?? {};
  const n = next ?? {};
  const sub = { contextual: ctx.contextual || !old || !next };
  const fields = [
    ...(old && next
      ? primitiveFields(o, n, TASK_SKIP, ctx)
      : fieldsOf(prims(o, TASK_SKIP), prims(n, TASK_SKIP), { contextual: false })),
    ...mapFields('Env', o.Env, n.Env, ctx),
    ...mapFields('Meta', o.Meta, n.Meta, ctx),
  ];
  const objects = [
    structObject('Config', o.Config, n.Config, sub, true),
    ...['Resources', 'LogConfig', 'RestartPolicy', 'Vault', 'Consul', 'Identity', 'DispatchPayload'].map((key) =>
      structObject(key, o[key], n[key], sub),
    ),
    ...listObjects('Constraint', o.Constraints, n.Constraints, sub),
    ...listObjects('Affinity', o.Affinities, n.Affinities, sub),
    ...listObjects('Template', o.Templates, n.Templates, sub),
    ...listObjects('Artifact', o.Artifacts, n.Artifacts, sub),
    ...listObjects('VolumeMount', o.VolumeMounts, n.VolumeMounts, sub),
    ...serviceObjects(o.Services, n.Services, sub),
  ].filter(present);
  const type: DiffType = !old ? 'Added' : !next ? 'Deleted' : changed(fields, objects) ? 'Edited' : 'None';
  return {
    Type: type,
    Name: String(n.Name ?? o.Name),
    Fields: nullIfEmpty(fields),
    Objects: nullIfEmpty(objects),
    Annotations: null,
  };
}

/** Object names whose change Nomad applies in place (no task restart). */
const IN_PLACE_OBJECTS = new Set(['Service', 'Constraint', 'Affinity', 'LogConfig']);

/** Whether a task's change needs a new allocation (Nomad's `tasksUpdated`, as plan annotates it). */
export function taskForcesDestroy(task: TaskDiff): boolean {
  if (task.Type === 'None') return false;
  if (task.Type !== 'Edited') return true;
  if ((task.Fields ?? []).some((f) => f.Type !== 'None' && f.Name !== 'KillTimeout')) return true;
  return (task.Objects ?? []).some((object) => {
    if (!IN_PLACE_OBJECTS.has(object.Name)) return true;
    return object.Name === 'LogConfig' && (object.Fields ?? []).some((f) => f.Name === 'Disabled' && f.Type !== 'None');
  });
}

/** Adds the scheduler's annotations to a plan diff: Count and task annotations. */
export function annotateDiff(diff: JobDiff): void {
  for (const group of diff.TaskGroups ?? []) {
    for (const field of group.Fields ?? []) {
      if (field.Name !== 'Count' || field.Type === 'None') continue;
      field.Annotations = [Number(field.New || 0) > Number(field.Old || 0) ? 'forces create' : 'forces destroy'];
    }
    for (const task of group.Tasks ?? []) {
      if (group.Type === 'Added') task.Annotations = ['forces create'];
      else if (group.Type === 'Deleted') task.Annotations = ['forces destroy'];
      else if (task.Type === 'Added') task.Annotations = ['forces create'];
      else if (task.Type === 'Deleted') task.Annotations = ['forces destroy'];
      else if (task.Type === 'Edited')
        task.Annotations = [taskForcesDestroy(task) ? 'forces create/destroy update' : 'forces in-place update'];
    }
  }
}
