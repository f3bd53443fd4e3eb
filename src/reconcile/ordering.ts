import type { AppSpec, AppStatus, Condition } from '../domain/app.js';
import type { Clock } from '../domain/clock.js';
import { DroverError } from '../domain/errors.js';
import type { SyncWindow } from '../domain/sync-window.js';
import { dependencyCondition, unreadyDependencies, type Busy, type StatusOf } from './dependencies.js';
import { windowCondition, windowVerdict } from './windows.js';

/** What syncs wait for besides the app itself: sync windows and other apps (docs/appsets.md). */
export type OrderingDeps = {
  windows: readonly SyncWindow[];
  clock: Clock;
  statusOf: StatusOf;
  /** Whether an app is reconciling or queued; such a dependency is not ready yet. */
  busy?: Busy;
};

/** Why an automated sync waits: the conditions to show, and when to look again (ms since the epoch). */
export type SyncHold = { conditions: Condition[]; wakeAt?: number };

/** Whether an automated sync of `app` waits now, and for what; undefined when it may run. */
export function automatedHold(ordering: OrderingDeps | undefined, app: AppSpec): SyncHold | undefined {
  if (!ordering) return undefined;
  const conditions: Condition[] = [];
  const verdict = windowVerdict(ordering.windows, app.name, ordering.clock.now());
  if (!verdict.allowed) conditions.push(windowCondition(verdict));
  const unready = unreadyDependencies(app, ordering.statusOf, ordering.busy);
  // No wake for dependencies: the controller reconciles dependents when a dependency becomes ready.
  if (unready.length > 0) conditions.push(dependencyCondition(unready));
  if (conditions.length === 0) return undefined;
  return { conditions, ...(verdict.until !== undefined ? { wakeAt: verdict.until } : {}) };
}

/**
 * Refuses a manual sync (or rollback) that may not run now, before anything is read or written:
 * a sync window that does not allow manual syncs (`DROVER_ERR_SYNC_WINDOW`), or dependencies that
 * are not Synced and Healthy (`DROVER_ERR_DEPENDENCY_NOT_READY`).
 */
export function checkManualSync(ordering: OrderingDeps | undefined, app: AppSpec): void {
  if (!ordering) return;
  const verdict = windowVerdict(ordering.windows, app.name, ordering.clock.now());
  if (!verdict.manualAllowed) {
    const until = verdict.until === undefined ? '' : ` until ${new Date(verdict.until).toISOString()}`;
    throw new DroverError(
      'DROVER_ERR_SYNC_WINDOW',
      `app "${app.name}" may not sync${until}: ${verdict.reason}, which does not allow manual syncs (manual_sync = false)`,
      { until: verdict.until },
    );
  }
  const unready = unreadyDependencies(app, ordering.statusOf);
  if (unready.length > 0)
    throw new DroverError(
      'DROVER_ERR_DEPENDENCY_NOT_READY',
      `app "${app.name}" waits for its dependencies: ${unready.join(', ')}; sync them first`,
    );
}

/** Adds the hold's conditions to a status. */
export function withHold(status: AppStatus, hold: SyncHold | undefined): AppStatus {
  return hold ? { ...status, conditions: [...status.conditions, ...hold.conditions] } : status;
}
