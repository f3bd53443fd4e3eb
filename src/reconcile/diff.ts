import type { FieldDiff, IgnoreDifference } from '../domain/app.js';

type NomadJobLike = Record<string, unknown>;

/** Job fields Nomad owns; a difference there is never drift (reference §3.4). */
export const SERVER_OWNED = new Set([
  'Status',
  'StatusDescription',
  'Stable',
  'Version',
  'VersionTag',
  'SubmitTime',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'NomadTokenID',
  'ParentID',
  'Dispatched',
  'DispatchIdempotencyToken',
  'Payload',
]);

/** Maps whose every key is the user's: a key removed in git is a real change. */
const EXACT_MAPS = new Set(['Meta', 'Env', 'Config']);

/**
 * Lists and maps only the user fills: git writing null there means "none", so live entries
 * are drift. Any other null in git means "unset", which Nomad fills with its defaults.
 */
const USER_COLLECTIONS = new Set([
  'Constraints',
  'Affinities',
  'Spreads',
  'Services',
  'Checks',
  'Templates',
  'Artifacts',
  'Volumes',
  'VolumeMounts',
  'Networks',
  'DynamicPorts',
  'ReservedPorts',
  'Tags',
  'Args',
  'Meta',
  'Env',
  'Config',
  'Periodic',
  'ParameterizedJob',
]);

/**
 * Differences between a desired and a live job. Desired fields are compared exactly;
 * fields git leaves unset are Nomad's to fill and are not compared, except inside the
 * user-owned maps (Meta, Env, driver Config), where an extra live key is drift.
 */
export function diffJobs(desired: NomadJobLike, live: NomadJobLike, ignore: string[] = []): FieldDiff[] {
  const want = stripIgnored(withoutServerFields(desired), ignore);
  const have = stripIgnored(withoutServerFields(live), ignore);
  const diffs: FieldDiff[] = [];
  // A job written for region "global" (or none) is stored with the agent's region (reference §3.1).
  if (
    (want.Region === undefined || want.Region === null || want.Region === '' || want.Region === 'global') &&
    typeof have.Region === 'string'
  )
    want.Region = have.Region;
  walk(want, have, '', diffs, false);
  if (live.Stop === true && desired.Stop !== true) diffs.push({ path: 'Stop', desired: false, live: true });
  return diffs;
}

function withoutServerFields(job: NomadJobLike): Record<string, unknown> {
  return structuredClone(
    Object.fromEntries(Object.entries(job).filter(([key]) => !SERVER_OWNED.has(key) && key !== 'Stop')),
  );
}

function walk(want: unknown, have: unknown, path: string, out: FieldDiff[], exact: boolean, key = ''): void {
  if (want === undefined && !exact) return;
  if (isEmpty(want) && isEmpty(have)) return;
  if (want === null && !exact && !USER_COLLECTIONS.has(key)) return;
  if (Array.isArray(want) && Array.isArray(have)) {
    const length = Math.max(want.length, have.length);
    for (let i = 0; i < length; i++) {
      const label = labelOf(want[i]) ?? labelOf(have[i]) ?? String(i);
      if (i >= want.length) out.push({ path: `${path}[${label}]`, live: have[i] });
      else if (i >= have.length) out.push({ path: `${path}[${label}]`, desired: want[i] });
      else walk(want[i], have[i], `${path}[${label}]`, out, exact);
    }
    return;
  }
  if (isObject(want) && isObject(have)) {
    const keys = new Set(Object.keys(want));
    if (exact) for (const key of Object.keys(have)) keys.add(key);
    for (const key of keys) {
      const childExact = exact || EXACT_MAPS.has(key);
      const childPath = path === '' ? key : exact ? `${path}[${key}]` : `${path}.${key}`;
      if (!(key in want) && childExact && !isEmpty(have[key])) out.push({ path: childPath, live: have[key] });
      else walk(want[key], have[key], childPath, out, childExact, key);
    }
    return;
  }
  if (!sameScalar(want, have)) out.push(entry(path, want, have));
}

function entry(path: string, want: unknown, have: unknown): FieldDiff {
  const diff: FieldDiff = { path };
  if (want !== undefined && want !== null) diff.desired = want;
  if (have !== undefined && have !== null) diff.live = have;
  return diff;
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return a === b;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Task groups, tasks and services are shown by name, as Nomad's plan diff does. */
function labelOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const key of ['Name', 'Label'])
    if (typeof value[key] === 'string' && value[key] !== '') return value[key] as string;
  return undefined;
}

/** Splits "/TaskGroups/*\/Count" or "TaskGroups.*.Count" or "TaskGroups[*].Count" into segments. */
export function parseIgnorePath(path: string): string[] {
  if (path.startsWith('/'))
    return path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return path
    .replace(/\[([^\]]*)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

/** Removes the ignored paths in place; "*" matches every key, index or name. */
export function stripIgnored(job: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  for (const path of paths) remove(job, parseIgnorePath(path));
  return job;
}

function remove(node: unknown, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== 'object') return;
  const children: Array<[string | number, unknown]> = Array.isArray(node)
    ? node
        .map((child, i) => [i, child] as [number, unknown])
        .filter(([i, child]) => head === '*' || String(i) === head || labelOf(child) === head)
    : Object.entries(node).filter(([key]) => head === '*' || key === head);
  for (const [key, child] of children) {
    if (rest.length === 0) {
      if (!Array.isArray(node)) delete (node as Record<string, unknown>)[key as string];
    } else {
      remove(child, rest);
    }
  }
}

/** The ignore paths that apply to one job. */
export function ignorePathsFor(rules: IgnoreDifference[], jobId: string): string[] {
  return rules.filter((rule) => rule.job === undefined || globMatch(rule.job, jobId)).flatMap((rule) => rule.paths);
}

function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}
