import type { Store } from '../store/store.js';
import type { Controller } from './controller.js';
import type { ReconcileOutcome, ReconcileRequest } from './reconcile-app.js';
import type { SyncSelection } from './sync.js';
import { undoWarning } from './targets.js';

export type ManualSyncOptions = Omit<SyncSelection, 'hold' | 'onAction'> & {
  /** A commit SHA (full or short) to sync instead of the configured revision. */
  revision?: string;
  /** Pin the app at the synced revision, so automated sync and self-heal leave it there. */
  pin?: boolean;
};

export type ManualSyncResult = { outcome: ReconcileOutcome; warnings: string[]; pinned?: string };

/**
 * A sync someone asked for. A revision is checked against git first (404 `DROVER_ERR_GIT_REVISION`,
 * nothing changed, nothing pinned); syncing an older revision of an automated app warns that the
 * next reconcile undoes it, unless `pin` keeps it there.
 */
export async function manualSync(
  controller: Controller,
  store: Store,
  app: string,
  options: ManualSyncOptions,
  requestedBy?: ReconcileRequest['requestedBy'],
): Promise<ManualSyncResult> {
  const { pin, ...sync } = options;
  const spec = controller.spec(app)!;
  // Refused by a sync window or a dependency before anything, a pin included, is changed.
  if (!sync.dryRun) controller.checkManualSync(app);
  const pinned = await store.getPin(app);
  const warnings: string[] = [];
  if (sync.revision !== undefined || pin) {
    const revision = await controller.resolveRevision(app, sync.revision ?? pinned?.revision ?? spec.source.revision);
    sync.revision = revision;
    if (pin && !sync.dryRun) {
      const reason = `pinned by a manual sync of ${revision}`;
      await store.setPin(app, { revision, reason, at: new Date().toISOString() });
    } else if (!pinned) {
      const head = await controller.resolveRevision(app, spec.source.revision);
      const warning = undoWarning(spec, revision, head, false);
      if (warning) warnings.push(warning);
    }
  }
  const outcome = await controller.trigger(app, { trigger: 'sync', sync, requestedBy });
  return { outcome, warnings, ...(pin && !sync.dryRun ? { pinned: sync.revision } : {}) };
}
