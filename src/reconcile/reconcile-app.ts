import type { Logger } from 'pino';
import type { AppSpec, AppStatus, Condition, Health, LastSync } from '../domain/app.js';
import { worseHealth } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import { DroverError, type ErrorKind } from '../domain/errors.js';
import type { MirrorSet } from '../git/mirror.js';
import type { JobListStub, NomadClient } from '../nomad/index.js';
import type { DB } from '../store/db.js';
import { getAppStatus, saveAppStatus } from '../store/app-status.js';
import { getPin } from '../store/pins.js';
import {
  attachDeployments,
  finishSyncRun,
  getSyncRun,
  startSyncRun,
  trimSyncRuns,
  type JobAction,
  type SyncRun,
} from '../store/sync-runs.js';
import { compare, type ComparisonResult } from './compare.js';
import { HealthTracker, type HealthReading } from './health-step.js';
import type { JobInventory } from './inventory.js';
import { applyComparison, pruneBlocked, type SyncSelection } from './sync.js';
import { contentDigest, loadSource, observe, rememberApplied, renderDesired, withDeadline } from './steps.js';

export type ReconcileDeps = {
  mirrors: MirrorSet;
  nomadFor(cluster: string): NomadClient;
  /** Shared live job lists kept current by blocking queries; without it every refresh lists. */
  inventory?: JobInventory;
  /** Remembers settled job health between reconciles; without it health is read every time. */
  health?: HealthTracker;
  db: DB;
  logger: Logger;
  now?: () => Date;
  /** Hard deadlines per step, in ms. */
  deadlines?: Partial<Record<'source' | 'observe' | 'sync', number>>;
};

/**
 * Why a reconcile ran: `startup`; `poll` (the poller saw the branch move); `webhook`; `resync`
 * (the periodic full comparison); `event` (a job list change in Nomad); `retry` (backoff after a
 * failure); and the user-asked `refresh`, `sync` and `rollback`.
 */
export type Trigger = 'startup' | 'poll' | 'resync' | 'refresh' | 'sync' | 'webhook' | 'retry' | 'rollback' | 'event';

/** Triggers whose mirror is already fetched: the poller fetched before triggering, and drift events compare against git as it is. */
const ALREADY_FETCHED = new Set<Trigger>(['poll', 'event']);

/** Whether a reconcile for this request fetches git first. */
export function needsFetch(request: ReconcileRequest): boolean {
  return request.fetch ?? !ALREADY_FETCHED.has(request.trigger);
}

/** Triggers a person asked for: they look at Nomad's live list, not the inventory's copy. */
const ASKED_BY_USER = new Set<Trigger>(['refresh', 'sync', 'rollback']);

export type ReconcileRequest = {
  trigger: Trigger;
  /** A manual sync (triggers `sync` and `rollback`): which jobs, dry-run, prune override, revision. */
  sync?: SyncSelection & { revision?: string };
  /** Fetch git first; by default every trigger but `poll` and `event` does. */
  fetch?: boolean;
};

export type ReconcileOutcome = {
  status: AppStatus;
  comparison?: ComparisonResult;
  /** The failure that ended this reconcile early, or the sync failure; its kind decides retries. */
  error?: { kind: ErrorKind; message: string };
  /** The actions of a sync (planned ones for a dry-run). */
  actions?: JobAction[];
  runId?: number;
};

const DEFAULT_DEADLINES = { source: 300_000, observe: 60_000, sync: 300_000 };

/**
 * One reconcile of one app, as a list of steps: source, render, observe, compare, decide,
 * sync, summarize. A failure before compare leaves the app Unknown and touches nothing.
 */
export async function reconcileApp(
  deps: ReconcileDeps,
  app: AppSpec,
  request: ReconcileRequest,
): Promise<ReconcileOutcome> {
  const now = deps.now ?? (() => new Date());
  const deadlines = { ...DEFAULT_DEADLINES, ...deps.deadlines };
  const log = deps.logger.child({ app: app.name });
  const previous = getAppStatus(deps.db, app.name);
  const pin = getPin(deps.db, app.name);
  const nomad = deps.nomadFor(app.destination.cluster);
  const wanted = request.sync?.revision ?? pin?.revision ?? app.source.revision;

  let snapshot: Snapshot;
  let comparison: ComparisonResult;
  let desired;
  let observation;
  try {
    snapshot = await withDeadline(
      'git fetch and snapshot',
      deadlines.source,
      loadSource(deps.mirrors, app, wanted, { fetch: needsFetch(request) }),
    );
    desired = await renderDesired(app, snapshot, nomad);
    observation = await withDeadline(
      'observing Nomad',
      deadlines.observe,
      observe(nomad, deps.inventory, deps.db, app, desired, {
        cachedReads: true,
        cachedList: !ASKED_BY_USER.has(request.trigger),
      }),
    );
    comparison = compare({
      app: app.name,
      desired,
      live: observation.live,
      ignoreDifferences: app.ignoreDifferences,
      adopt: app.syncPolicy.adopt,
      unchanged: observation.unchanged,
    });
  } catch (error) {
    return failed(deps, app, previous, pin, now, error);
  }
  const revision = snapshot.revision;
  const digest = contentDigest(desired);
  log.debug({ revision, sync: comparison.status }, 'compared');

  const tracker = deps.health ?? new HealthTracker();
  const lastRun =
    previous?.lastSync?.id !== undefined ? getSyncRun(deps.db, app.name, previous.lastSync.id) : undefined;
  const assessHealth = async (result: ComparisonResult, stubs: Map<string, JobListStub>, run: SyncRun | undefined) => {
    const readings = await tracker.assess(nomad, app.destination.cluster, result, stubs, writesOf(run));
    if (run) recordDeployments(deps.db, run, readings);
    return readings;
  };
  const health = await assessHealth(comparison, observation.stubs, lastRun);
  // A write whose deployment failed (and that Nomad may have rolled back) is not repeated
  // automatically for the same content: a commit that changes it, or a manual sync, tries again.
  const held =
    request.trigger === 'sync' || request.trigger === 'rollback'
      ? new Map<string, string>()
      : heldBack(comparison, health, previous, revision, digest);

  // A dry-run writes nothing anywhere: it plans every write with Nomad and reports.
  if (request.sync?.dryRun) {
    const outcome = await applyComparison(nomad, app, comparison, { ...request.sync, hold: held });
    return {
      status: summarize(app, comparison, { revision, digest, previous, pin, now, health, held }),
      comparison,
      actions: outcome.actions,
    };
  }
  if (!shouldSync(app, request, comparison, previous, digest, pin !== undefined, held)) {
    rememberApplied(deps.db, app, revision, comparison);
    const status = summarize(app, comparison, { revision, digest, previous, pin, now, health, held });
    saveAppStatus(deps.db, app.name, status);
    return { status, comparison };
  }

  const started = now();
  const runId = startSyncRun(deps.db, {
    app: app.name,
    trigger: request.trigger,
    revision,
    startedAt: started.toISOString(),
    author: snapshot.commit.author,
    committer: snapshot.commit.committer,
    subject: snapshot.commit.subject,
    commitDate: snapshot.commit.date,
  });
  log.info({ revision, trigger: request.trigger, run: runId }, 'syncing');
  let outcome;
  try {
    outcome = await withDeadline(
      'sync',
      deadlines.sync,
      applyComparison(nomad, app, comparison, { ...request.sync, hold: held }),
    );
  } catch (error) {
    outcome = { actions: [], failed: true, message: (error as Error).message };
  }
  const finished = now();
  const message = outcome.failed
    ? 'message' in outcome
      ? outcome.message
      : failureMessage(outcome.actions)
    : undefined;
  finishSyncRun(deps.db, runId, {
    result: outcome.failed ? 'Failed' : 'Succeeded',
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    message,
    jobs: outcome.actions,
  });
  trimSyncRuns(deps.db, app.name, app.historyLimit);
  const lastSync: LastSync = {
    id: runId,
    revision,
    trigger: request.trigger,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    result: outcome.failed ? 'Failed' : 'Succeeded',
    message,
    contentDigest: digest,
  };
  log.info(
    {
      revision,
      run: runId,
      result: lastSync.result,
      actions: outcome.actions.filter((a) => a.action !== 'unchanged').length,
    },
    'synced',
  );

  // Look again, reading every job, with a list that includes Drover's own writes, so the status reflects what Nomad now holds.
  let after: ComparisonResult;
  let healthAfter: Map<string, HealthReading>;
  try {
    const seen = await withDeadline(
      'observing Nomad',
      deadlines.observe,
      observe(nomad, deps.inventory, deps.db, app, desired, {
        cachedReads: false,
        cachedList: { atLeast: Math.max(0, ...outcome.actions.map((a) => a.jobModifyIndex ?? 0)) },
      }),
    );
    after = compare({
      app: app.name,
      desired,
      live: seen.live,
      ignoreDifferences: app.ignoreDifferences,
      adopt: app.syncPolicy.adopt,
    });
    healthAfter = await assessHealth(after, seen.stubs, getSyncRun(deps.db, app.name, runId));
  } catch (error) {
    return {
      ...failed(deps, app, { ...(previous ?? baseStatus()), lastSync }, pin, now, error),
      runId,
      actions: outcome.actions,
    };
  }
  rememberApplied(deps.db, app, revision, after);
  const status = summarize(app, after, {
    revision,
    digest,
    previous,
    pin,
    now,
    lastSync,
    health: healthAfter,
    held: new Map(),
  });
  if (outcome.failed) status.conditions.push({ type: 'SyncError', message: message ?? 'sync failed' });
  saveAppStatus(deps.db, app.name, status);
  return {
    status,
    comparison: after,
    runId,
    actions: outcome.actions,
    error: outcome.failed ? { kind: 'transient', message: message ?? 'sync failed' } : undefined,
  };
}

/** Decides whether this reconcile writes to Nomad. */
function shouldSync(
  app: AppSpec,
  request: ReconcileRequest,
  comparison: ComparisonResult,
  previous: AppStatus | undefined,
  digest: string,
  pinned: boolean,
  held: Map<string, string>,
): boolean {
  if (request.trigger === 'sync' || request.trigger === 'rollback') return true;
  if (comparison.status !== 'OutOfSync' || !app.syncPolicy.automated || pinned) return false;
  const pending = comparison.jobs.filter(
    (j) =>
      j.ownership !== 'foreign' &&
      (j.status === 'OutOfSync' || j.status === 'Missing' || (j.status === 'Extra' && app.syncPolicy.prune)),
  );
  if (pending.every((j) => held.has(`${j.namespace}/${j.id}`))) return false;
  if (request.trigger === 'retry') return true;
  // Automated sync acts when a commit changed this app's jobs; self-heal also acts on drift.
  return previous?.sync.contentDigest !== digest || app.syncPolicy.selfHeal;
}

type SummaryContext = {
  revision: string;
  digest: string;
  previous: AppStatus | undefined;
  pin: AppStatus['pin'];
  now: () => Date;
  lastSync?: LastSync;
  health: Map<string, HealthReading>;
  /** Jobs whose failed write is not repeated automatically, with why. */
  held: Map<string, string>;
};

/** The JobModifyIndex of each job the run wrote. */
function writesOf(run: SyncRun | undefined): Map<string, number> {
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
function heldBack(
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
      held.set(
        key,
        `the deployment of ${(previous?.lastSync?.revision ?? revision).slice(0, 12)} failed; not re-applied automatically until a commit changes it or a manual sync`,
      );
    }
  }
  return held;
}

/** Turns a comparison into the app's status (design.md, "Flux": one summarizer). */
function summarize(app: AppSpec, comparison: ComparisonResult, ctx: SummaryContext): AppStatus {
  const blocked = pruneBlocked(app, comparison);
  const conditions: Condition[] = [...comparison.conditions];
  if (blocked) conditions.push({ type: 'PruneSkipped', message: blocked });
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
      message: `${key}: deployment ${w.id.slice(0, 8)} of version ${w.jobVersion} failed (${w.statusDescription})${now}${hold ? `; ${hold}` : ''}`,
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
function recordDeployments(db: DB, run: SyncRun, readings: Map<string, HealthReading>): void {
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
  if (deployments.length > 0 && run.id !== undefined) attachDeployments(db, run.id, deployments);
}

function failureMessage(actions: JobAction[]): string {
  return actions
    .filter((a) => a.result === 'failed')
    .map((a) => `${a.id}: ${a.message}`)
    .join('; ');
}

function baseStatus(): AppStatus {
  return { sync: { status: 'Unknown' }, health: { status: 'Unknown' }, jobs: [], conditions: [] };
}

/** Nothing was changed: the app is Unknown with the reason, and the controller decides on retries. */
function failed(
  deps: ReconcileDeps,
  app: AppSpec,
  previous: AppStatus | undefined,
  pin: AppStatus['pin'],
  now: () => Date,
  error: unknown,
): ReconcileOutcome {
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
    conditions: [{ type: 'ComparisonError', message }],
    lastSync: previous?.lastSync,
    ...(pin ? { pin } : {}),
    observedAt: now().toISOString(),
  };
  saveAppStatus(deps.db, app.name, status);
  deps.logger.warn({ app: app.name, err: message }, 'reconcile failed; nothing was changed');
  return { status, error: { kind, message } };
}

export type { SyncRun };
