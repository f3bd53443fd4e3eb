import { isDeepStrictEqual } from 'node:util';
import type { Condition, JobStatus, SyncStatusCode } from '../domain/app.js';
import { ownerOf, type DesiredJob, type LiveJob, type NomadJob } from '../domain/job.js';

/** Job fields Nomad owns; a difference there is never drift. */
const SERVER_OWNED = new Set([
  'Status', 'StatusDescription', 'Stable', 'Version', 'VersionTag', 'SubmitTime', 'CreateIndex', 'ModifyIndex',
  'JobModifyIndex', 'NomadTokenID', 'ParentID', 'Dispatched', 'DispatchIdempotencyToken', 'Payload',
]);

/** Maps whose every key is the user's: a key removed in git is a real change. */
const EXACT_MAPS = new Set(['Meta', 'Env']);

export type JobComparison = JobStatus & {
  desired?: DesiredJob;
  live?: LiveJob;
};

export type ComparisonResult = {
  status: SyncStatusCode;
  jobs: JobComparison[];
  conditions: Condition[];
};

/**
 * Pairs desired with live jobs. Pure: the same inputs always give the same result.
 * `live` holds every job in the destination namespaces, owned or not, so that jobs owned
 * by another app or by nobody become conditions instead of being overwritten.
 */
export function compare(app: string, desired: DesiredJob[], live: LiveJob[]): ComparisonResult {
  const liveByKey = new Map(live.map((job) => [`${job.namespace}/${job.id}`, job]));
  const jobs: JobComparison[] = [];
  const conditions: Condition[] = [];
  const desiredKeys = new Set<string>();

  for (const want of desired) {
    const key = `${want.namespace}/${want.id}`;
    desiredKeys.add(key);
    const have = liveByKey.get(key);
    const base = { id: want.id, namespace: want.namespace, file: want.file, desired: want, live: have };
    if (!have) {
      jobs.push({ ...base, status: 'Missing' });
      continue;
    }
    const owner = ownerOf(have.job);
    if (owner !== app) {
      conditions.push({
        type: owner ? 'SharedJob' : 'UnownedJob',
        message: owner
          ? `job "${want.id}" in namespace "${want.namespace}" is owned by app "${owner}"; it is left alone`
          : `job "${want.id}" in namespace "${want.namespace}" exists in Nomad without a Drover owner; it is left alone`,
      });
      jobs.push({ ...base, status: 'OutOfSync' });
      continue;
    }
    jobs.push({ ...base, status: jobMatches(want.job, have.job) ? 'Synced' : 'OutOfSync' });
  }

  for (const have of live) {
    const key = `${have.namespace}/${have.id}`;
    // A stopped job is already pruned; Nomad keeps it for its history.
    if (desiredKeys.has(key) || ownerOf(have.job) !== app || have.job.ParentID || have.job.Stop === true) continue;
    jobs.push({ id: have.id, namespace: have.namespace, status: 'Extra', live: have });
  }

  jobs.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
  const status: SyncStatusCode = jobs.every((job) => job.status === 'Synced') ? 'Synced' : 'OutOfSync';
  return { status, jobs, conditions };
}

/**
 * True when every field the desired job sets has the same value live. Fields left unset
 * in git are Nomad's defaults, so they are not compared; stopped jobs never match.
 */
export function jobMatches(desired: NomadJob, live: NomadJob): boolean {
  if (live.Stop === true && desired.Stop !== true) return false;
  for (const [key, value] of Object.entries(desired)) {
    if (SERVER_OWNED.has(key)) continue;
    if (!subsetMatches(value, live[key], key)) return false;
  }
  return true;
}

function subsetMatches(want: unknown, have: unknown, key: string): boolean {
  if (want === undefined) return true;
  if (EXACT_MAPS.has(key)) return isDeepStrictEqual(emptyToNull(want), emptyToNull(have));
  if (want === null || isEmptyCollection(want)) return have === null || have === undefined || isEmptyCollection(have);
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((item, i) => subsetMatches(item, have[i], ''));
  }
  if (typeof want === 'object') {
    if (typeof have !== 'object' || have === null || Array.isArray(have)) return false;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => subsetMatches(v, (have as Record<string, unknown>)[k], k));
  }
  return want === have;
}

function isEmptyCollection(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

function emptyToNull(value: unknown): unknown {
  return value === undefined || isEmptyCollection(value) ? null : value;
}
