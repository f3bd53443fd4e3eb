import type { AppSpec } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import type { ComparisonResult } from './compare.js';

/**
 * The job IDs a sync names that this app neither renders nor owns in the cluster; a sync
 * naming any of them is refused before anything is written.
 */
export function unknownJobs(comparison: ComparisonResult, jobs: readonly string[] | undefined): string[] {
  if (!jobs) return [];
  const known = new Set(comparison.jobs.filter((j) => j.desired || j.status === 'Extra').map((j) => j.id));
  return [...new Set(jobs)].filter((id) => !known.has(id));
}

/** The 400 for {@link unknownJobs}: names the unknown jobs and the ones the app does render. */
export function unknownJobsError(app: AppSpec, unknown: string[], comparison: ComparisonResult): DroverError {
  const rendered = comparison.jobs.filter((j) => j.desired).map((j) => j.id);
  return new DroverError(
    'DROVER_ERR_BAD_REQUEST',
    `jobs: app "${app.name}" does not render ${unknown.map((id) => `"${id}"`).join(', ')}` +
      ` (it renders: ${rendered.length > 0 ? rendered.join(', ') : 'no jobs'})`,
    { unknown, rendered },
  );
}

/**
 * What a manual sync of `revision` should tell the caller: automated sync (and self-heal) put
 * the configured revision back at the next reconcile unless the app is pinned.
 */
export function undoWarning(app: AppSpec, revision: string, head: string, pinned: boolean): string | undefined {
  if (pinned || revision === head || !app.syncPolicy.automated) return undefined;
  const policy = app.syncPolicy.selfHeal ? 'automated sync with self_heal' : 'automated sync';
  return (
    `app "${app.name}" has ${policy}: the next reconcile will put "${app.source.revision}" (${head.slice(0, 12)}) back; ` +
    'sync with "pin": true to keep this revision (and unpin to resume)'
  );
}
