import { OWNER_META_KEY, type DesiredJob } from '../domain/job.js';
import type { AppSpec } from '../domain/app.js';
import type { NomadClient } from '../nomad/index.js';
import type { JobAction } from '../store/sync-runs.js';
import type { ComparisonResult } from './compare.js';

export type SyncOutcome = { actions: JobAction[]; failed: boolean };

/** Why pruning is held back for this comparison, if it is: an emptied source needs allow_empty. */
export function pruneBlocked(app: AppSpec, comparison: ComparisonResult): string | undefined {
  const extra = comparison.jobs.filter((j) => j.status === 'Extra');
  if (!app.syncPolicy.prune || app.syncPolicy.allowEmpty || extra.length === 0) return undefined;
  if (!comparison.jobs.every((j) => j.status === 'Extra')) return undefined;
  return `the source renders no jobs; pruning all ${extra.length} owned job(s) needs allow_empty = true`;
}

/** Adds the ownership marker. Only the app name: nothing here may change with the revision. */
export function withOwner(app: string, desired: DesiredJob): DesiredJob {
  return { ...desired, job: { ...desired.job, Meta: { ...(desired.job.Meta ?? {}), [OWNER_META_KEY]: app } } };
}

/**
 * Applies a comparison: registers missing and changed jobs with EnforceIndex, then prunes
 * extra ones when the policy allows. Jobs Drover does not own are never written.
 */
export async function applyComparison(nomad: NomadClient, app: AppSpec, comparison: ComparisonResult): Promise<SyncOutcome> {
  const actions: JobAction[] = [];
  const owned = (job: ComparisonResult['jobs'][number]) => !job.live || job.live.job.Meta?.[OWNER_META_KEY] === app.name;
  for (const job of comparison.jobs) {
    if (job.status === 'Synced') {
      actions.push({ id: job.id, namespace: job.namespace, action: 'unchanged', result: 'ok' });
      continue;
    }
    if (job.status === 'Extra' || !job.desired || !owned(job)) continue;
    const action = job.status === 'Missing' ? 'create' : 'update';
    try {
      const response = await nomad.jobs.register(job.desired.job, { namespace: job.namespace, enforceIndex: job.live?.jobModifyIndex ?? 0 });
      actions.push({ id: job.id, namespace: job.namespace, action, result: 'ok', evalId: response.EvalID || undefined });
    } catch (error) {
      actions.push({ id: job.id, namespace: job.namespace, action, result: 'failed', message: (error as Error).message });
    }
  }
  // Prune last, and only when every create and update went through.
  const writesFailed = actions.some((a) => a.result === 'failed');
  if (app.syncPolicy.prune && !writesFailed && !pruneBlocked(app, comparison)) {
    for (const job of comparison.jobs.filter((j) => j.status === 'Extra')) {
      try {
        const response = await nomad.jobs.deregister(job.id, { namespace: job.namespace });
        actions.push({ id: job.id, namespace: job.namespace, action: 'prune', result: 'ok', evalId: response.EvalID || undefined });
      } catch (error) {
        actions.push({ id: job.id, namespace: job.namespace, action: 'prune', result: 'failed', message: (error as Error).message });
      }
    }
  }
  return { actions, failed: actions.some((a) => a.result === 'failed') };
}
