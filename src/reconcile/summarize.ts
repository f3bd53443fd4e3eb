// The summarizer and its helpers (design.md, "Flux"): steps return results, and only these turn them into status.
import type { AppSpec, AppStatus, Condition, Health, LastSync } from '../domain/app.js';
import { worseHealth } from '../domain/app.js';
import { DroverError, type ErrorKind } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import type { JobAction, SyncRun } from '../store/sync-runs.js';
import type { ComparisonResult } from './compare.js';
import type { HealthReading } from './health-step.js';
import type { ReconcileDeps, ReconcileOutcome } from './reconcile-app.js';
import { pruneBlocked } from './sync.js';

export type SummaryContext = {
  revision: string;
  /** The digest the app is known to have acted on; absent while a commit waits (windows, dependencies, waves). */
  digest: string | undefined;
  previous: AppStatus | undefined;
  pin: AppStatus['pin'];
  now: () => Date;
  lastSync?: LastSync;
  health: Map<string, HealthReading>;
  /** Jobs whose failed write is not repeated automatically, with why. */
  held: Map<string, string>;
};

/** The JobModifyIndex of each job the run wrote. */
export function writesOf(run: SyncRun | undefined): Map<string, number> {
  const writes = new Map<string, number>();
  for (const action of run?.jobs ?? []) {
    if (
      (action.action === 'create' || action.action === 'update') &&
      action.result === 'ok' &&
      action.jobModifyIndex !== undefined
    )
      writes.set(`${action.namespace}/${action.id}`, action.jobModifyIndex);
  }
  return writes;
}

/** Out-of-sync jobs whose last write, of this same content, ended in a failed deployment. */
export function heldBack(
  comparison: ComparisonResult,
  health: Map<string, HealthReading>,
  previous: AppStatus | undefined,
  revision: string,
  digest: string,
): Map<string, string> {
  const held = new Map<string, string>();
  // Held only while git still asks for exactly what that sync applied.
  const same = previous?.lastSync?.contentDigest
    ? previous.lastSync.contentDigest === digest
    : previous?.lastSync?.revision === revision;
  if (!same) return held;
  for (const job of comparison.jobs) {
    const key = `${job.namespace}/${job.id}`;
    const write = health.get(key)?.write;
    if (write?.status === 'failed' && (job.status === 'OutOfSync' || job.status === 'Missing')) {
      const release = (previous?.lastSync?.revision ?? revision).slice(0, 12);
      const until = 'not re-applied automatically until a commit changes it or a manual sync';
      held.set(key, `the deployment of ${release} failed; ${until}`);
    }
  }
  return held;
}

/** Turns a comparison into the app's status (design.md, "Flux": one summarizer). */
export function summarize(app: AppSpec, comparison: ComparisonResult, ctx: SummaryContext): AppStatus {
  const blocked = pruneBlocked(app, comparison);
  const conditions: Condition[] = [...comparison.conditions];
  if (blocked) conditions.push({ type: 'PruneSkipped', message: blocked });
  // A failed sync stays visible until a sync succeeds or nothing is left to sync.
  const lastSync = ctx.lastSync ?? ctx.previous?.lastSync;
  if (lastSync?.result === 'Failed' && comparison.status !== 'Synced')
    conditions.push({ type: 'SyncError', message: lastSync.message ?? 'sync failed' });
  for (const [key, reading] of ctx.health) {
    if (reading.write?.status !== 'failed') continue;
    const w = reading.write;
    const now =
      reading.deployment && reading.deployment.id !== w.id
        ? `; Nomad has since moved to version ${reading.deployment.jobVersion}`
        : '';
    const hold = ctx.held.get(key);
    conditions.push({
      type: 'DeploymentFailed',
      message:
        `${key}: deployment ${w.id.slice(0, 8)} of version ${w.jobVersion} failed (${w.statusDescription})` +
        `${now}${hold ? `; ${hold}` : ''}`,
    });
  }
  if (ctx.pin)
    conditions.push({
      type: 'Pinned',
      message: `pinned to ${ctx.pin.revision.slice(0, 12)} (${ctx.pin.reason}); automated sync is suspended until unpinned`,
    });
  const jobs = comparison.jobs.map(({ id, namespace, file, status, diffCount }) => {
    const health = ctx.health.get(`${namespace}/${id}`)?.health;
    return {
      id,
      namespace,
      ...(file ? { file } : {}),
      status,
      ...(health ? { health } : {}),
      ...(diffCount ? { diffCount } : {}),
    };
  });
  const status: AppStatus = {
    sync: {
      status: comparison.status,
      revision: comparison.status === 'Synced' ? ctx.revision : ctx.previous?.sync.revision,
      targetRevision: ctx.revision,
      contentDigest: ctx.digest,
    },
    health: appHealth(jobs),
    jobs,
    conditions,
    lastSync: ctx.lastSync ?? ctx.previous?.lastSync,
    ...(ctx.pin ? { pin: ctx.pin } : {}),
    observedAt: ctx.now().toISOString(),
  };
  return status;
}

/** The worst health of the app's jobs (jobs of other owners have none and do not count). */
function appHealth(jobs: Array<{ id: string; health?: Health }>): Health {
  const assessed = jobs.filter((job) => job.health);
  if (assessed.length === 0) return { status: 'Healthy', message: 'no jobs' };
  let worst: Health = { status: 'Healthy' };
  let worstJob = '';
  for (const job of assessed) {
    if (worseHealth(worst.status, job.health!.status) !== worst.status) {
      worst = job.health!;
      worstJob = job.id;
    }
  }
  if (worst.status === 'Healthy') return { status: 'Healthy', message: `${assessed.length} job(s) healthy` };
  return { status: worst.status, message: `${worstJob}: ${worst.message ?? worst.status}` };
}

/** Ties the run's writes to the deployments Nomad created for them (once; later reconciles find them recorded). */
export async function recordDeployments(
  store: Store,
  run: SyncRun,
  readings: Map<string, HealthReading>,
): Promise<void> {
  const recorded = new Set(run.jobs.filter((a) => a.deploymentId).map((a) => `${a.namespace}/${a.id}`));
  const deployments = [...readings].flatMap(([key, reading]) => {
    // The deployment the write started, which after an auto-revert is no longer the latest.
    if (!reading.write || recorded.has(key)) return [];
    const slash = key.indexOf('/');
    return [
      {
        namespace: key.slice(0, slash),
        id: key.slice(slash + 1),
        deploymentId: reading.write.id,
        jobSpecModifyIndex: reading.write.jobSpecModifyIndex,
      },
    ];
  });
  if (deployments.length > 0 && run.id !== undefined) await store.attachDeployments(run.id, deployments);
}

export function failureMessage(actions: JobAction[]): string {
  return actions
    .filter((a) => a.result === 'failed')
    .map((a) => `${a.id}: ${a.message}`)
    .join('; ');
}

/** Failures with a condition of their own; the rest are comparison errors. */
const CONDITIONS: Partial<Record<string, string>> = {
  DROVER_ERR_SOURCE_PATH_MISSING: 'SourcePathMissing',
  DROVER_ERR_PROJECT: 'ProjectViolation',
};

/** The condition a failed reconcile shows. */
function conditionFor(error: unknown): string {
  return (error instanceof DroverError && CONDITIONS[error.code]) || 'ComparisonError';
}

export function baseStatus(): AppStatus {
  return { sync: { status: 'Unknown' }, health: { status: 'Unknown' }, jobs: [], conditions: [] };
}

/** Nothing was changed: the app is Unknown with the reason, and the controller decides on retries. */
export async function failed(
  deps: ReconcileDeps,
  app: AppSpec,
  previous: AppStatus | undefined,
  pin: AppStatus['pin'],
  now: () => Date,
  error: unknown,
): Promise<ReconcileOutcome> {
  const kind: ErrorKind = error instanceof DroverError ? error.kind : 'transient';
  const message = (error as Error).message;
  const status: AppStatus = {
    sync: {
      status: 'Unknown',
      revision: previous?.sync.revision,
      targetRevision: previous?.sync.targetRevision,
      contentDigest: previous?.sync.contentDigest,
    },
    health: { status: 'Unknown', message: 'the app could not be compared' },
    jobs: previous?.jobs ?? [],
    conditions: [{ type: conditionFor(error), message }],
    lastSync: previous?.lastSync,
    ...(pin ? { pin } : {}),
    observedAt: now().toISOString(),
  };
  await deps.store.saveAppStatus(app.name, status);
  deps.logger.warn({ app: app.name, err: message }, 'reconcile failed; nothing was changed');
  return { status, error: { kind, message } };
}
