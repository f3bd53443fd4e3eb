import { DroverError } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import type { Controller } from './controller.js';
import type { ReconcileOutcome } from './reconcile-app.js';

/**
 * Rolls an app back to the revision of an earlier sync run (or a given commit): pins it
 * there, which suspends automated sync, and syncs. History records the run as a rollback.
 */
export async function rollback(
  controller: Controller,
  store: Store,
  app: string,
  target: { runId?: number; revision?: string; requestedBy?: string },
): Promise<ReconcileOutcome> {
  let revision = target.revision;
  let reason = `rollback to ${revision ?? ''}`;
  if (target.runId !== undefined) {
    const run = await store.getSyncRun(app, target.runId);
    if (!run) throw new DroverError('DROVER_ERR_NOT_FOUND', `app "${app}" has no sync run #${target.runId} in history`);
    revision = run.revision;
    reason = `rollback to sync run #${target.runId}`;
  }
  if (!revision || !/^[0-9a-f]{7,40}$/.test(revision)) {
    throw new DroverError(
      'DROVER_ERR_BAD_REQUEST',
      'rollback needs "id" (a sync run from history) or "revision" (a commit SHA)',
    );
  }
  // Git must have the revision before anything is pinned: 404 DROVER_ERR_GIT_REVISION otherwise.
  const resolved = await controller.resolveRevision(app, revision);
  // A sync window or a dependency that refuses the sync refuses it before the pin is set: nothing half-applied.
  controller.checkManualSync(app);
  await store.setPin(app, { revision: resolved, reason, at: new Date().toISOString() });
  return controller.trigger(app, {
    trigger: 'rollback',
    sync: { revision: resolved },
    requestedBy: target.requestedBy,
  });
}

/** Removes an app's pin and reconciles it, so automated sync resumes from the configured revision. */
export async function unpin(
  controller: Controller,
  store: Store,
  app: string,
  requestedBy?: string,
): Promise<ReconcileOutcome> {
  if (!(await store.clearPin(app))) throw new DroverError('DROVER_ERR_CONFLICT', `app "${app}" is not pinned`);
  return controller.trigger(app, { trigger: 'refresh', requestedBy });
}
