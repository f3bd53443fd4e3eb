import type { Condition, FieldDiff, IgnoreDifference, JobStatus, SyncStatusCode } from '../domain/app.js';
import { ownershipOf, type DesiredJob, type LiveJob } from '../domain/job.js';
import { admitJob } from '../nomad/admit.js';
import { diffJobs, ignorePathsFor } from './diff.js';

/** How a live job relates to this app. */
export type JobOwnership = 'owned' | 'absent' | 'adoptable' | 'foreign';

export type JobComparison = JobStatus & {
  ownership: JobOwnership;
  diff: FieldDiff[];
  desired?: DesiredJob;
  live?: LiveJob;
};

export type ComparisonResult = {
  status: SyncStatusCode;
  jobs: JobComparison[];
  conditions: Condition[];
};

export type CompareInput = {
  app: string;
  desired: DesiredJob[];
  /** Every live job that matters: those the app owns and those sharing an ID with a desired job. */
  live: LiveJob[];
  ignoreDifferences?: IgnoreDifference[];
  /** Treat a same-ID job that no Drover app owns as this app's (it will be taken over on sync). */
  adopt?: boolean;
  /** Keys (namespace/id) of owned jobs known to be exactly as applied; they are not diffed. */
  unchanged?: Set<string>;
};

/**
 * Pairs desired with live jobs. Pure: the same input always gives the same result. Jobs
 * owned by another app, or carrying a copied marker, become conditions and are never
 * counted as this app's.
 */
export function compare(input: CompareInput): ComparisonResult {
  const { app, desired, live } = input;
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
      jobs.push({ ...base, status: 'Missing', ownership: 'absent', diff: [] });
      continue;
    }
    const ownership = ownershipOf(have.job);
    const diff = input.unchanged?.has(key)
      ? []
      : diffJobs(asNomadStores(want, have), have.job, ignorePathsFor(input.ignoreDifferences ?? [], want.id));
    const status = diff.length === 0 ? 'Synced' : 'OutOfSync';
    if (ownership.kind === 'app' && ownership.app === app) {
      jobs.push({ ...base, status, ownership: 'owned', diff, diffCount: diff.length });
    } else if (ownership.kind === 'none' && input.adopt) {
      jobs.push({ ...base, status: 'OutOfSync', ownership: 'adoptable', diff, diffCount: diff.length });
    } else {
      conditions.push(foreignCondition(want, ownership));
      jobs.push({ ...base, status: 'OutOfSync', ownership: 'foreign', diff, diffCount: diff.length });
    }
  }

  for (const have of live) {
    const ownership = ownershipOf(have.job);
    // Stopped jobs are already pruned (Nomad keeps them for history); children belong to their parent.
    if (desiredKeys.has(`${have.namespace}/${have.id}`) || have.job.ParentID || have.job.Stop === true) continue;
    if (ownership.kind !== 'app' || ownership.app !== app) continue;
    jobs.push({ id: have.id, namespace: have.namespace, status: 'Extra', ownership: 'owned', live: have, diff: [] });
  }

  jobs.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
  const status: SyncStatusCode = jobs.every((job) => job.status === 'Synced') ? 'Synced' : 'OutOfSync';
  return { status, jobs, conditions };
}

function foreignCondition(want: DesiredJob, ownership: ReturnType<typeof ownershipOf>): Condition {
  const where = `job "${want.id}" in namespace "${want.namespace}"`;
  switch (ownership.kind) {
    case 'app':
      return { type: 'SharedJob', message: `${where} is owned by app "${ownership.app}"; it is left alone` };
    case 'mismatched':
      return {
        type: 'UnownedJob',
        message: `${where} carries a Drover marker copied from "${ownership.marker}"; it is not trusted and left alone`,
      };
    default:
      return {
        type: 'UnownedJob',
        message: `${where} exists in Nomad without a Drover owner; it is left alone (set sync.adopt = true to take it over)`,
      };
  }
}

/**
 * The desired job as Nomad would store it: canonicalized, the job-level update block moved to
 * the groups, server defaults and implied constraints added. Only keys the server always sends
 * with zero values are left out, so they stay "Nomad's to fill" for the diff. Without this, a
 * job written the short way (an update block at job level, say) would look drifted forever.
 */
function asNomadStores(want: DesiredJob, have: LiveJob): Record<string, unknown> {
  const region = typeof have.job.Region === 'string' && have.job.Region !== '' ? have.job.Region : 'global';
  return admitJob(want.job, { namespace: want.namespace, region, serverKeys: false }).job as Record<string, unknown>;
}
