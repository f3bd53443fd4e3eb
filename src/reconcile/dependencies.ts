import type { AppSpec, AppStatus, Condition } from '../domain/app.js';

/** Status by app name, as the controller knows it. */
export type StatusOf = (name: string) => AppStatus | undefined;

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

/** The app's dependencies that are not ready, each with why (`db (Progressing)`). */
export function unreadyDependencies(app: AppSpec, statusOf: StatusOf): string[] {
  return (app.dependsOn ?? []).flatMap((dep) => {
    const why = notReady(statusOf(dep));
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
 * dependency, and whose dependencies are now all ready.
 */
export function dependentsToWake(
  specs: readonly AppSpec[],
  name: string,
  status: AppStatus,
  statusOf: StatusOf,
): string[] {
  if (notReady(status) !== undefined) return [];
  return specs
    .filter((spec) => spec.dependsOn?.includes(name))
    .filter((spec) => statusOf(spec.name)?.conditions.some((c) => c.type === 'WaitingForDependency'))
    .filter((spec) => unreadyDependencies(spec, statusOf).length === 0)
    .map((spec) => spec.name);
}
