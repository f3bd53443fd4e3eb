import { ownerMeta, type DesiredJob, type LiveJob } from '../domain/job.js';
import type { AppSpec, PlanSummary } from '../domain/app.js';
import { OPEN_GATE, type WriteGate } from '../domain/write-gate.js';
import { NomadAPIError, type NomadClient } from '../nomad/index.js';
import type { JobAction } from '../store/sync-runs.js';
import { compare, type ComparisonResult, type JobComparison } from './compare.js';
import { ignorePathsFor, parseIgnorePath } from './diff.js';
import { mapLimit } from './limit.js';

/** Registers in flight at once per app: enough to overlap round trips, gentle on the leader. */
const SYNC_CONCURRENCY = 4;
/** Attempts of one register when another writer keeps moving the job's JobModifyIndex. */
const CONFLICT_ATTEMPTS = 3;

export type SyncSelection = {
  /** Only these job IDs (all when absent). */
  jobs?: string[];
  /** Decide and report, write nothing. */
  dryRun?: boolean;
  /** Override the app's prune policy for this sync. */
  prune?: boolean;
  /** Jobs (namespace/id) left alone, with the reason recorded as a skipped action. */
  hold?: Map<string, string>;
  /** Asked right before every write (HA: only a leader inside its lease may write). Open when absent. */
  gate?: WriteGate;
  /** A sync a person asked for: the mass-prune guard (`max_prune`) does not apply. */
  manual?: boolean;
  /** Called with each job's action as soon as it is known, so history keeps it even if the process dies. */
  onAction?: (action: JobAction) => void;
  /** Each job's sync wave (namespace/id), recorded on its action when the app has more than one. */
  waves?: Map<string, number>;
};

export type SyncOutcome = { actions: JobAction[]; failed: boolean };

/** Adds the ownership marker. Only app and job identity: nothing here may change with the revision. */
export function withOwner(app: string, desired: DesiredJob): DesiredJob {
  return {
    ...desired,
    job: { ...desired.job, Meta: { ...(desired.job.Meta ?? {}), ...ownerMeta(app, desired.namespace, desired.id) } },
  };
}

/**
 * Why pruning is held back for this comparison, if it is: an emptied source needs allow_empty;
 * an automated sync pruning more of the app's jobs than `max_prune` allows needs allow_mass_prune.
 */
export function pruneBlocked(
  app: AppSpec,
  comparison: ComparisonResult,
  options: { manual?: boolean } = {},
): string | undefined {
  const extra = comparison.jobs.filter((j) => j.status === 'Extra');
  if (!app.syncPolicy.prune || extra.length === 0) return undefined;
  if (comparison.jobs.every((j) => j.status === 'Extra')) {
    // An emptied source is its own, explicit consent: allow_empty.
    if (app.syncPolicy.allowEmpty) return undefined;
    return `the source renders no jobs; pruning all ${extra.length} owned job(s) needs allow_empty = true`;
  }
  if (options.manual || app.syncPolicy.allowMassPrune) return undefined;
  const owned = comparison.jobs.filter((j) => j.ownership === 'owned' && j.live).length;
  const limit = pruneLimit(app.syncPolicy.maxPrune, owned);
  if (extra.length <= limit) return undefined;
  const allowed = describeLimit(app.syncPolicy.maxPrune, limit);
  return (
    `pruning ${extra.length} of the app's ${owned} job(s) at once exceeds max_prune (${allowed}); ` +
    'nothing was pruned: sync manually, or set allow_mass_prune = true, to prune them'
  );
}

/** How many jobs one automated sync may prune: a count, or a share of the owned jobs (never less than one). */
export function pruneLimit(max: AppSpec['syncPolicy']['maxPrune'], owned: number): number {
  if ('count' in max) return max.count;
  return Math.max(1, Math.floor((owned * max.percent) / 100));
}

function describeLimit(max: AppSpec['syncPolicy']['maxPrune'], limit: number): string {
  return 'count' in max ? String(max.count) : `${max.percent}%, ${limit} job(s)`;
}

/** True when an autoscaler owns some group's Count, so register must keep the live counts. */
export function preservesCounts(app: AppSpec, jobId: string): boolean {
  return ignorePathsFor(app.ignoreDifferences, jobId).some((path) => {
    const segments = parseIgnorePath(path);
    return segments[0] === 'TaskGroups' && segments.at(-1) === 'Count';
  });
}

/**
 * Applies a comparison: registers missing and changed jobs with EnforceIndex (re-reading and
 * re-comparing on a conflict), then prunes extra ones when the policy allows. Jobs another
 * app owns, or that carry a copied marker, are never written.
 */
export async function applyComparison(
  nomad: NomadClient,
  app: AppSpec,
  comparison: ComparisonResult,
  selection: SyncSelection = {},
): Promise<SyncOutcome> {
  const selected = (job: JobComparison) => !selection.jobs || selection.jobs.includes(job.id);
  const writes = comparison.jobs.filter((job) => selected(job) && job.status !== 'Extra');
  // History that cannot be recorded stops the sync: no write Drover could not account for.
  let halted: unknown;
  const multiWave = new Set(selection.waves?.values()).size > 1;
  const known = (untagged: JobAction): JobAction => {
    const wave = multiWave ? selection.waves?.get(`${untagged.namespace}/${untagged.id}`) : undefined;
    const action = wave === undefined ? untagged : { ...untagged, wave };
    try {
      selection.onAction?.(action);
    } catch (error) {
      halted ??= error;
    }
    return action;
  };
  const actions = await mapLimit(writes, SYNC_CONCURRENCY, async (job) => {
    if (halted !== undefined) throw halted;
    const held = selection.hold?.get(`${job.namespace}/${job.id}`);
    if (held && job.status !== 'Synced')
      return known({ id: job.id, namespace: job.namespace, action: 'skipped', result: 'ok', message: held });
    return known(await writeJob(nomad, app, job, selection.dryRun === true, selection.gate ?? OPEN_GATE));
  });

  if (halted !== undefined) throw halted;
  // Prune last, and only when every create and update went through.
  const writesFailed = actions.some((a) => a.result === 'failed');
  const prune = selection.prune ?? app.syncPolicy.prune;
  const policy = { ...app, syncPolicy: { ...app.syncPolicy, prune } };
  if (prune && !writesFailed && !pruneBlocked(policy, comparison, { manual: selection.manual })) {
    for (const job of comparison.jobs.filter((j) => j.status === 'Extra' && selected(j))) {
      actions.push(known(await pruneJob(nomad, app, job, selection.dryRun === true, selection.gate ?? OPEN_GATE)));
      if (halted !== undefined) throw halted;
    }
  }
  return { actions, failed: actions.some((a) => a.result === 'failed') };
}

/** The action a closed gate leaves: nothing written, and why. */
const withheld = (base: Omit<JobAction, 'result'>, gate: WriteGate): JobAction => ({
  ...base,
  result: 'failed',
  message: `write withheld: ${gate.reason() || 'this instance may not write now'}`,
});

async function writeJob(
  nomad: NomadClient,
  app: AppSpec,
  job: JobComparison,
  dryRun: boolean,
  gate: WriteGate,
): Promise<JobAction> {
  const base = { id: job.id, namespace: job.namespace };
  if (job.status === 'Synced') return { ...base, action: 'unchanged', result: 'ok' };
  if (job.ownership === 'foreign')
    return { ...base, action: 'skipped', result: 'ok', message: 'owned by another app or by nobody; not written' };
  const action = job.status === 'Missing' ? 'create' : 'update';
  if (dryRun) return { ...base, action, result: 'planned', plan: await planWrite(nomad, job) };
  let current = job;
  for (let attempt = 1; ; attempt++) {
    if (!gate.mayWrite()) return withheld({ ...base, action }, gate);
    try {
      const response = await nomad.jobs.register(current.desired!.job, {
        namespace: job.namespace,
        enforceIndex: current.live?.jobModifyIndex ?? 0,
        preserveCounts: preservesCounts(app, job.id) || undefined,
      });
      // Nomad keeps the JobModifyIndex when it finds nothing changed: the diff was only in form.
      if (action === 'update' && current.live && response.JobModifyIndex === current.live.jobModifyIndex) {
        return {
          ...base,
          action: 'unchanged',
          result: 'ok',
          evalId: response.EvalID || undefined,
          message: 'Nomad found nothing to change; the difference was only in how the job is written',
        };
      }
      return {
        ...base,
        action,
        result: 'ok',
        evalId: response.EvalID || undefined,
        jobModifyIndex: response.JobModifyIndex,
      };
    } catch (error) {
      if (!(error instanceof NomadAPIError && error.isEnforceIndexConflict) || attempt >= CONFLICT_ATTEMPTS)
        return { ...base, action, result: 'failed', message: (error as Error).message };
      // Someone changed the job meanwhile: look again before writing over it.
      const fresh = await rereadAndCompare(nomad, app, current);
      if (fresh.status === 'Synced')
        return { ...base, action: 'unchanged', result: 'ok', message: 'already in sync after a concurrent change' };
      if (fresh.ownership === 'foreign')
        return {
          ...base,
          action: 'skipped',
          result: 'ok',
          message: 'taken over by another owner during sync; not written',
        };
      current = fresh;
    }
  }
}

/** Nomad's plan for a write: its diff and what the scheduler would do, or why it could not say. */
async function planWrite(nomad: NomadClient, job: JobComparison): Promise<PlanSummary> {
  try {
    const plan = await nomad.jobs.plan(job.desired!.job, { namespace: job.namespace, diff: true });
    const failed = Object.keys(plan.FailedTGAllocs ?? {});
    return {
      diffType: plan.Diff?.Type,
      updates: Object.fromEntries(
        Object.entries(plan.Annotations?.DesiredTGUpdates ?? {}).map(([group, u]) => [
          group,
          nonZero(u as Record<string, number>),
        ]),
      ),
      ...(failed.length > 0 ? { failedPlacements: failed } : {}),
      ...(plan.Warnings ? { warnings: plan.Warnings } : {}),
      diff: plan.Diff,
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => typeof n === 'number' && n !== 0));
}

async function pruneJob(
  nomad: NomadClient,
  app: AppSpec,
  job: JobComparison,
  dryRun: boolean,
  gate: WriteGate,
): Promise<JobAction> {
  const base = { id: job.id, namespace: job.namespace, action: 'prune' as const };
  if (dryRun) return { ...base, result: 'planned' };
  if (!gate.mayWrite()) return withheld(base, gate);
  try {
    const response = await nomad.jobs.deregister(job.id, {
      namespace: job.namespace,
      purge: app.syncPolicy.purge || undefined,
    });
    return {
      ...base,
      result: 'ok',
      evalId: response.EvalID || undefined,
      jobModifyIndex: response.JobModifyIndex || undefined,
    };
  } catch (error) {
    return { ...base, result: 'failed', message: (error as Error).message };
  }
}

async function rereadAndCompare(nomad: NomadClient, app: AppSpec, job: JobComparison): Promise<JobComparison> {
  const { job: liveJob } = await nomad.jobs.read(job.id, { namespace: job.namespace });
  const live: LiveJob[] = liveJob
    ? [{ id: job.id, namespace: job.namespace, job: liveJob, jobModifyIndex: Number(liveJob.JobModifyIndex ?? 0) }]
    : [];
  const result = compare({
    app: app.name,
    desired: [job.desired!],
    live,
    ignoreDifferences: app.ignoreDifferences,
    adopt: app.syncPolicy.adopt,
  });
  return result.jobs[0]!;
}
