import type { Logger } from 'pino';
import type { AppSpec, AppStatus, Condition, Health, LastSync } from '../domain/app.js';
import { worseHealth } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import { DroverError, type ErrorKind } from '../domain/errors.js';
import type { MirrorSet } from '../git/mirror.js';
import type { NomadClient } from '../nomad/index.js';
import type { DB } from '../store/db.js';
import { getAppStatus, saveAppStatus } from '../store/app-status.js';
import { getPin } from '../store/pins.js';
import { finishSyncRun, startSyncRun, trimSyncRuns, type JobAction, type SyncRun } from '../store/sync-runs.js';
import { compare, type ComparisonResult } from './compare.js';
import type { JobInventory } from './inventory.js';
import { applyComparison, pruneBlocked, type SyncSelection } from './sync.js';
import { loadSource, observe, rememberApplied, renderDesired, withDeadline } from './steps.js';

export type ReconcileDeps = {
  mirrors: MirrorSet;
  nomadFor(cluster: string): NomadClient;
  /** Shared live job lists kept current by blocking queries; without it every refresh lists. */
  inventory?: JobInventory;
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
export async function reconcileApp(deps: ReconcileDeps, app: AppSpec, request: ReconcileRequest): Promise<ReconcileOutcome> {
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
  try {
    snapshot = await withDeadline('git fetch and snapshot', deadlines.source, loadSource(deps.mirrors, app, wanted, { fetch: needsFetch(request) }));
    desired = await renderDesired(app, snapshot, nomad);
    const observation = await withDeadline('observing Nomad', deadlines.observe, observe(nomad, deps.inventory, deps.db, app, desired, { cachedReads: true, cachedList: !ASKED_BY_USER.has(request.trigger) }));
    comparison = compare({ app: app.name, desired, live: observation.live, ignoreDifferences: app.ignoreDifferences, adopt: app.syncPolicy.adopt, unchanged: observation.unchanged });
  } catch (error) {
    return failed(deps, app, previous, pin, now, error);
  }
  const revision = snapshot.revision;
  log.debug({ revision, sync: comparison.status }, 'compared');

  if (!shouldSync(app, request, comparison, previous, revision, pin !== undefined)) {
    rememberApplied(deps.db, app, revision, comparison);
    const status = summarize(app, comparison, { revision, previous, pin, now });
    saveAppStatus(deps.db, app.name, status);
    return { status, comparison };
  }
  if (request.sync?.dryRun) {
    const outcome = await applyComparison(nomad, app, comparison, request.sync);
    return { status: summarize(app, comparison, { revision, previous, pin, now }), comparison, actions: outcome.actions };
  }

  const started = now();
  const runId = startSyncRun(deps.db, {
    app: app.name, trigger: request.trigger, revision, startedAt: started.toISOString(),
    author: snapshot.commit.author, committer: snapshot.commit.committer, subject: snapshot.commit.subject, commitDate: snapshot.commit.date,
  });
  log.info({ revision, trigger: request.trigger, run: runId }, 'syncing');
  let outcome;
  try {
    outcome = await withDeadline('sync', deadlines.sync, applyComparison(nomad, app, comparison, request.sync));
  } catch (error) {
    outcome = { actions: [], failed: true, message: (error as Error).message };
  }
  const finished = now();
  const message = outcome.failed ? ('message' in outcome ? outcome.message : failureMessage(outcome.actions)) : undefined;
  finishSyncRun(deps.db, runId, { result: outcome.failed ? 'Failed' : 'Succeeded', finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime(), message, jobs: outcome.actions });
  trimSyncRuns(deps.db, app.name, app.historyLimit);
  const lastSync: LastSync = { id: runId, revision, trigger: request.trigger, startedAt: started.toISOString(), finishedAt: finished.toISOString(), result: outcome.failed ? 'Failed' : 'Succeeded', message };
  log.info({ revision, run: runId, result: lastSync.result, actions: outcome.actions.filter((a) => a.action !== 'unchanged').length }, 'synced');

  // Look again, without the cache, so the status reflects what Nomad now holds.
  let after: ComparisonResult;
  try {
    const observation = await withDeadline('observing Nomad', deadlines.observe, observe(nomad, deps.inventory, deps.db, app, desired, { cachedReads: false, cachedList: false }));
    after = compare({ app: app.name, desired, live: observation.live, ignoreDifferences: app.ignoreDifferences, adopt: app.syncPolicy.adopt });
  } catch (error) {
    return { ...failed(deps, app, { ...(previous ?? baseStatus()), lastSync }, pin, now, error), runId, actions: outcome.actions };
  }
  rememberApplied(deps.db, app, revision, after);
  const status = summarize(app, after, { revision, previous, pin, now, lastSync });
  if (outcome.failed) status.conditions.push({ type: 'SyncError', message: message ?? 'sync failed' });
  saveAppStatus(deps.db, app.name, status);
  return { status, comparison: after, runId, actions: outcome.actions, error: outcome.failed ? { kind: 'transient', message: message ?? 'sync failed' } : undefined };
}

/** Decides whether this reconcile writes to Nomad. */
function shouldSync(app: AppSpec, request: ReconcileRequest, comparison: ComparisonResult, previous: AppStatus | undefined, revision: string, pinned: boolean): boolean {
  if (request.trigger === 'sync' || request.trigger === 'rollback') return true;
  if (comparison.status !== 'OutOfSync' || !app.syncPolicy.automated || pinned) return false;
  if (request.trigger === 'retry') return true;
  // Automated sync acts once per new revision; self-heal also acts on drift at the same revision.
  return previous?.lastSync?.revision !== revision || app.syncPolicy.selfHeal;
}

type SummaryContext = { revision: string; previous: AppStatus | undefined; pin: AppStatus['pin']; now: () => Date; lastSync?: LastSync };

/** Turns a comparison into the app's status (design.md, "Flux": one summarizer). */
function summarize(app: AppSpec, comparison: ComparisonResult, ctx: SummaryContext): AppStatus {
  const blocked = pruneBlocked(app, comparison);
  const conditions: Condition[] = [...comparison.conditions];
  if (blocked) conditions.push({ type: 'PruneSkipped', message: blocked });
  if (ctx.pin) conditions.push({ type: 'Pinned', message: `pinned to ${ctx.pin.revision.slice(0, 12)} (${ctx.pin.reason}); automated sync is suspended until unpinned` });
  const jobs = comparison.jobs.map(({ id, namespace, file, status, diffCount }) => ({ id, namespace, ...(file ? { file } : {}), status, ...(diffCount ? { diffCount } : {}) }));
  const status: AppStatus = {
    sync: {
      status: comparison.status,
      revision: comparison.status === 'Synced' ? ctx.revision : ctx.previous?.sync.revision,
      targetRevision: ctx.revision,
    },
    health: appHealth(comparison),
    jobs,
    conditions,
    lastSync: ctx.lastSync ?? ctx.previous?.lastSync,
    ...(ctx.pin ? { pin: ctx.pin } : {}),
    observedAt: ctx.now().toISOString(),
  };
  return status;
}

function appHealth(comparison: ComparisonResult): Health {
  if (comparison.jobs.length === 0) return { status: 'Healthy', message: 'no jobs' };
  let worst: Health = { status: 'Healthy' };
  for (const job of comparison.jobs) {
    const health: Health = job.status === 'Missing' ? { status: 'Missing', message: `job ${job.id} is not registered` } : { status: 'Unknown', message: 'health is not assessed yet' };
    if (worseHealth(worst.status, health.status) !== worst.status) worst = health;
  }
  return worst;
}

function failureMessage(actions: JobAction[]): string {
  return actions.filter((a) => a.result === 'failed').map((a) => `${a.id}: ${a.message}`).join('; ');
}

function baseStatus(): AppStatus {
  return { sync: { status: 'Unknown' }, health: { status: 'Unknown' }, jobs: [], conditions: [] };
}

/** Nothing was changed: the app is Unknown with the reason, and the controller decides on retries. */
function failed(deps: ReconcileDeps, app: AppSpec, previous: AppStatus | undefined, pin: AppStatus['pin'], now: () => Date, error: unknown): ReconcileOutcome {
  const kind: ErrorKind = error instanceof DroverError ? error.kind : 'transient';
  const message = (error as Error).message;
  const status: AppStatus = {
    sync: { status: 'Unknown', revision: previous?.sync.revision, targetRevision: previous?.sync.targetRevision },
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
