import type { AppSpec, AppStatus, Condition } from '../domain/app.js';

/** Status by app name, as the controller knows it. */
export type StatusOf = (name: string) => AppStatus | undefined;
/** Whether an app is reconciling now or has a reconcile queued (its status may be about to change). */
export type Busy = (name: string) => boolean;
const idle: Busy = () => false;

/** Why a dependency is not ready, or undefined when it is Synced and Healthy at the revision git points at. */
export function notReady(status: AppStatus | undefined): string | undefined {
  if (!status) return 'not reconciled yet';
  const { sync, health } = status;
  if (sync.status !== 'Synced') return sync.status;
  if (sync.targetRevision !== undefined && sync.revision !== sync.targetRevision)
    return `Synced at ${sync.revision?.slice(0, 12) ?? 'no revision'}, not at ${sync.targetRevision.slice(0, 12)}`;
  if (health.status !== 'Healthy') return health.status;
  return undefined;
}

/**
 * The app's dependencies that are not ready, each with why (`db (Progressing)`). A dependency that
 * is reconciling is not ready either: a push that changes both apps reconciles them at once, and
 * the dependency's status still shows the commit before.
 */
export function unreadyDependencies(app: AppSpec, statusOf: StatusOf, busy: Busy = idle): string[] {
  return (app.dependsOn ?? []).flatMap((dep) => {
    const why = busy(dep) ? 'reconciling' : notReady(statusOf(dep));
    return why ? [`${dep} (${why})`] : [];
  });
}

/** The `WaitingForDependency` condition naming what the app waits for. */
export function dependencyCondition(unready: string[]): Condition {
  return {
    type: 'WaitingForDependency',
    message: `syncs wait until ${unready.join(', ')} ${unready.length === 1 ? 'is' : 'are'} Synced and Healthy`,
  };
}

/**
 * The apps to reconcile now that `name` has this status: those that depend on it, wait for a
 * dependency (or are reconciling, and may be about to), and whose dependencies are now all ready.
 */
export function dependentsToWake(
  specs: readonly AppSpec[],
  name: string,
  status: AppStatus,
  statusOf: StatusOf,
  busy: Busy = idle,
): string[] {
  if (notReady(status) !== undefined) return [];
  // The app that just finished is not busy any more, whatever its bookkeeping says in this instant.
  const others: Busy = (dep) => dep !== name && busy(dep);
  return (
    specs
      .filter((spec) => spec.dependsOn?.includes(name))
      // A dependent reconciling right now may be deciding to wait on the status from before: it runs again after.
      .filter(
        (spec) => others(spec.name) || statusOf(spec.name)?.conditions.some((c) => c.type === 'WaitingForDependency'),
      )
      .filter((spec) => unreadyDependencies(spec, statusOf, others).length === 0)
      .map((spec) => spec.name)
  );
}
