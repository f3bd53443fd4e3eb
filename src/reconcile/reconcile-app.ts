import type { Logger } from 'pino';
import type { AppSpec, AppStatus, LastSync } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import type { ErrorKind } from '../domain/errors.js';
import { noTelemetry, type Telemetry } from '../domain/telemetry.js';
import type { DesiredJob } from '../domain/job.js';
import type { MirrorSet } from '../git/mirror.js';
import type { JobListStub, NomadClient } from '../nomad/index.js';
import type { StoreHealthView } from '../store/health.js';
import type { Store } from '../store/store.js';
import type { JobAction, SyncRun } from '../store/sync-runs.js';
import type { WriteGate } from '../domain/write-gate.js';
import { compare, type ComparisonResult } from './compare.js';
import { HealthTracker, type HealthReading } from './health-step.js';
import type { JobInventory } from './inventory.js';
import { checkProjectJobs, checkProjectSource } from '../appsets/projects.js';
import {
  contentDigest,
  loadSource,
  observe,
  rememberApplied,
  renderDesired,
  retiredSource,
  withDeadline,
  type AppliedIndex,
} from './steps.js';
import { baseStatus, failed, failureMessage, heldBack, recordDeployments, summarize, writesOf } from './summarize.js';
import { noEvents, type EventSink } from './events.js';
import { unknownJobs, unknownJobsError } from './targets.js';
import { applyComparison, type SyncOutcome, type SyncSelection } from './sync.js';
import { automatedHold, checkManualSync, withHold, type OrderingDeps, type SyncHold } from './ordering.js';
import { jobWaves, planWaves, withWaves, type WavePlan } from './waves.js';

export type ReconcileDeps = {
  mirrors: MirrorSet;
  nomadFor(cluster: string): NomadClient;
  /** Shared live job lists kept current by blocking queries; without it every refresh lists. */
  inventory?: JobInventory;
  /** Remembers settled job health between reconciles; without it health is read every time. */
  health?: HealthTracker;
  /** Status, applied jobs, pins and history: the embedded SQLite file or the shared PostgreSQL. */
  store: Store;
  /** The store's health: while it is failed, reconciles stop before they touch the store or Nomad. */
  storeHealth?: StoreHealthView;
  logger: Logger;
  now?: () => Date;
  /** Asked before every Nomad write; HA passes the leader's gate. Open when absent (a single instance). */
  writeGate?: WriteGate;
  /** Where app status changes and sync progress are published (the live event stream). */
  events?: EventSink;
  /** Counters and timings for metrics. */
  telemetry?: Telemetry;
  /** Hard deadlines per step, in ms. */
  deadlines?: Partial<Record<'source' | 'observe' | 'sync', number>>;
  /** Sync windows and depends_on; without it no sync waits for them. */
  ordering?: OrderingDeps;
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
  /** Who asked, for history (API callers); automatic triggers leave it out. */
  requestedBy?: string;
  /** Files to compare instead of git's (a dry-run of a local tree, as `drover app diff --local`). */
  local?: Snapshot;
  /** When it was asked for (ms since the epoch): a git fetch started since then serves it. Default: when it runs. */
  requestedAt?: number;
  /**
   * The app's set no longer generates it and says `prune_on_delete`: compare with no jobs (git's
   * files are not read) so the jobs it owns are pruned, under the usual guards.
   */
  retire?: boolean;
  /** A manual sync going on to its next job wave (the controller sets it): it writes only once a wave is due. */
  resume?: boolean;
};

export type ReconcileOutcome = {
  status: AppStatus;
  comparison?: ComparisonResult;
  /** The failure that ended this reconcile early, or the sync failure; its kind decides retries. */
  error?: { kind: ErrorKind; message: string };
  /** The actions of a sync (planned ones for a dry-run). */
  actions?: JobAction[];
  runId?: number;
  /**
   * The last sync failed and the app is still not Synced, though this reconcile did not sync
   * (a drift event or refresh found nothing new): the controller keeps its retry backoff going.
   */
  retryPending?: boolean;
  /** When a sync window opens for a held automated sync (ms since the epoch): the controller reconciles then. */
  wakeAt?: number;
  /** A manual sync left later job waves waiting: the controller goes on with them when the app is next woken. */
  wavesPending?: boolean;
};

const DEFAULT_DEADLINES = { source: 300_000, observe: 60_000, sync: 300_000 };

/** What every step of one reconcile reads: the app, the request and what the store knew before. */
type Cycle = {
  deps: ReconcileDeps;
  app: AppSpec;
  request: ReconcileRequest;
  now: () => Date;
  deadlines: typeof DEFAULT_DEADLINES;
  log: Logger;
  previous: AppStatus | undefined;
  pin: AppStatus['pin'];
  nomad: NomadClient;
  tracker: HealthTracker;
};

/** The result of the first look: git's jobs at the revision, the cluster's, and how they compare. */
type Loaded = {
  snapshot: Snapshot;
  desired: DesiredJob[];
  stubs: Map<string, JobListStub>;
  /** What the store said was applied, read once by observe: this app's reconciles run one at a time. */
  applied: AppliedIndex;
  comparison: ComparisonResult;
  revision: string;
  digest: string;
  /** Each desired job's sync wave (namespace/id). */
  waves: Map<string, number>;
};

/** What a sync wrote, and the run that records it. */
type Written = { runId: number; outcome: SyncOutcome & { message?: string }; lastSync: LastSync; message?: string };

/**
 * One reconcile of one app, as a list of steps: load and compare, decide, sync, look again,
 * summarize. A failure before compare leaves the app Unknown and touches nothing.
 */
export async function reconcileApp(
  deps: ReconcileDeps,
  app: AppSpec,
  request: ReconcileRequest,
): Promise<ReconcileOutcome> {
  const closed = storeClosed(deps);
  if (closed) return closed;
  // A manual sync that a window or a dependency forbids is refused before anything is read.
  if (isManual(request) && !request.sync?.dryRun) checkManualSync(deps.ordering, app);
  const cycle = await beginCycle(deps, app, request);
  let loaded: Loaded;
  try {
    loaded = await loadAndCompare(cycle);
  } catch (error) {
    return failed(deps, app, cycle.previous, cycle.pin, cycle.now, error);
  }
  // The store may have failed while git and Nomad were read: nothing is written then either.
  const closedNow = storeClosed(deps);
  if (closedNow) return closedNow;
  const { comparison, revision, digest } = loaded;
  const unknown = unknownJobs(comparison, request.sync?.jobs);
  if (unknown.length > 0) throw unknownJobsError(app, unknown, comparison);
  const { previous, pin, now } = cycle;
  const lastRun =
    previous?.lastSync?.id !== undefined ? await deps.store.getSyncRun(app.name, previous.lastSync.id) : undefined;
  const health = await assessHealth(cycle, comparison, loaded.stubs, lastRun);
  const held = holdsFor(cycle, loaded, health);
  const waves = planWaves(comparison, loaded.waves, health, held);
  const holds = new Map([...held, ...waves.hold]);

  // A dry-run writes nothing anywhere: it plans every write with Nomad and reports.
  if (request.sync?.dryRun) {
    const selection = { ...waveSelection(request, waves, loaded), hold: holds, manual: isManual(request) };
    const outcome = await applyComparison(cycle.nomad, app, comparison, { ...selection, gate: deps.writeGate });
    const status = summarize(app, comparison, { revision, digest, previous, pin, now, health, held });
    return { status: withOrdering(status, waves, undefined, loaded), comparison, actions: outcome.actions };
  }
  const wanted = shouldSync(app, request, comparison, previous, digest, pin !== undefined, holds);
  const hold = wanted && !isManual(request) ? automatedHold(deps.ordering, app) : undefined;
  if (!wanted || hold) {
    await rememberApplied(deps.store, app, revision, comparison, loaded.applied);
    // A commit that waits is not acted on yet: keeping the previous digest lets the next reconcile sync it.
    const kept = hold || waves.hold.size > 0 ? previous?.sync.contentDigest : digest;
    const summary = summarize(app, comparison, { revision, digest: kept, previous, pin, now, health, held });
    const status = withOrdering(summary, waves, hold, loaded);
    await deps.store.saveAppStatus(app.name, status);
    const retryPending = status.lastSync?.result === 'Failed' && status.sync.status !== 'Synced';
    return {
      status,
      comparison,
      ...(retryPending ? { retryPending } : {}),
      ...(hold?.wakeAt ? { wakeAt: hold.wakeAt } : {}),
      ...(request.resume && waves.hold.size > 0 ? { wavesPending: true } : {}),
    };
  }
  const written = await syncAndRecord(cycle, loaded, holds, waves);
  return lookAgainAndSummarize(cycle, loaded, written);
}

/**
 * The store fails closed: with a corrupt or unreadable database, a reconcile writes nothing to
 * Nomad (it could not record what it wrote) and nothing to the store; the app is Unknown.
 */
function storeClosed(deps: ReconcileDeps): ReconcileOutcome | undefined {
  const health = deps.storeHealth?.health();
  if (!health || health.ok) return undefined;
  const message = `database ${health.file} is corrupt or unreadable (${health.reason}); ${health.recovery}`;
  const status: AppStatus = {
    ...baseStatus(),
    health: { status: 'Unknown', message: 'the store failed; nothing is written to Nomad' },
    conditions: [{ type: 'StoreError', message }],
    observedAt: (deps.now ?? (() => new Date()))().toISOString(),
  };
  return { status, error: { kind: 'stalled', message } };
}

async function beginCycle(deps: ReconcileDeps, app: AppSpec, request: ReconcileRequest): Promise<Cycle> {
  const [previous, pin] = await Promise.all([deps.store.getAppStatus(app.name), deps.store.getPin(app.name)]);
  return {
    deps,
    app,
    request,
    now: deps.now ?? (() => new Date()),
    deadlines: { ...DEFAULT_DEADLINES, ...deps.deadlines },
    log: deps.logger.child({ app: app.name }),
    previous,
    pin,
    nomad: deps.nomadFor(app.destination.cluster),
    tracker: deps.health ?? new HealthTracker(),
  };
}

/** Step: read git at the wanted revision, render it, observe the cluster and compare. Throws on any failure. */
async function loadAndCompare(cycle: Cycle): Promise<Loaded> {
  const { deps, app, request, deadlines, nomad } = cycle;
  const wanted = request.sync?.revision ?? cycle.pin?.revision ?? app.source.revision;
  if (request.local && !request.sync?.dryRun) throw new Error('local files can only be compared (dry-run)');
  // A project's rules are checked before anything is read, and again on the rendered jobs.
  checkProjectSource(app);
  const source = request.retire
    ? retiredSource(deps.mirrors, app, wanted)
    : loadSource(deps.mirrors, app, wanted, { fetch: needsFetch(request), notBefore: request.requestedAt });
  const snapshot = request.local ?? (await withDeadline('git fetch and snapshot', deadlines.source, source));
  const desired = await renderDesired(app, snapshot, nomad);
  checkProjectJobs(app, desired);
  const observation = await withDeadline(
    'observing Nomad',
    deadlines.observe,
    observe(nomad, deps.inventory, deps.store, app, desired, {
      cachedReads: true,
      cachedList: !ASKED_BY_USER.has(request.trigger),
    }),
  );
  const comparison = compare({
    app: app.name,
    desired,
    live: observation.live,
    ignoreDifferences: app.ignoreDifferences,
    adopt: app.syncPolicy.adopt,
    unchanged: observation.unchanged,
  });
  const revision = snapshot.revision;
  cycle.log.debug({ revision, sync: comparison.status }, 'compared');
  const waves = jobWaves(app, desired);
  const { stubs, applied } = observation;
  return { snapshot, desired, stubs, applied, comparison, revision, digest: contentDigest(desired), waves };
}

/** Step: each job's health, tying the run's writes to the deployments they started. */
async function assessHealth(
  cycle: Cycle,
  result: ComparisonResult,
  stubs: Map<string, JobListStub>,
  run: SyncRun | undefined,
): Promise<Map<string, HealthReading>> {
  const readings = await cycle.tracker.assess(cycle.nomad, cycle.app.destination.cluster, result, stubs, writesOf(run));
  if (run) await recordDeployments(cycle.deps.store, run, readings);
  return readings;
}

/**
 * A write whose deployment failed (and that Nomad may have rolled back) is not repeated
 * automatically for the same content: a commit that changes it, or a manual sync, tries again.
 */
function holdsFor(cycle: Cycle, loaded: Loaded, health: Map<string, HealthReading>): Map<string, string> {
  const { trigger } = cycle.request;
  if (trigger === 'sync' || trigger === 'rollback') return new Map<string, string>();
  return heldBack(loaded.comparison, health, cycle.previous, loaded.revision, loaded.digest);
}

/** Step: write to Nomad under a sync run that history keeps. */
async function syncAndRecord(
  cycle: Cycle,
  loaded: Loaded,
  held: Map<string, string>,
  waves: WavePlan,
): Promise<Written> {
  const { deps, app, request, now, log } = cycle;
  const { snapshot, revision } = loaded;
  const started = now();
  const runId = await deps.store.startSyncRun({
    app: app.name,
    trigger: request.trigger,
    requestedBy: request.requestedBy,
    revision,
    startedAt: started.toISOString(),
    author: snapshot.commit.author,
    committer: snapshot.commit.committer,
    subject: snapshot.commit.subject,
    commitDate: snapshot.commit.date,
  });
  log.info({ revision, trigger: request.trigger, run: runId }, 'syncing');
  const events = deps.events ?? noEvents;
  events.emit({ type: 'sync.started', app: app.name, run: runId, revision, trigger: request.trigger });
  let outcome: Written['outcome'];
  const { onAction, appended } = actionRecorder(deps, app.name, runId);
  try {
    const selection = { ...waveSelection(request, waves, loaded), hold: held, manual: isManual(request), onAction };
    const work = applyComparison(cycle.nomad, app, loaded.comparison, { ...selection, gate: deps.writeGate });
    outcome = await withDeadline('sync', cycle.deadlines.sync, work);
  } catch (error) {
    deps.storeHealth?.noteError(error);
    outcome = { actions: [], failed: true, message: (error as Error).message };
  }
  await appended();
  const finished = now();
  const message = outcome.failed ? (outcome.message ?? failureMessage(outcome.actions)) : undefined;
  const result = outcome.failed ? 'Failed' : 'Succeeded';
  await deps.store.finishSyncRun(runId, {
    result,
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    message,
    jobs: outcome.actions,
  });
  await deps.store.trimSyncRuns(app.name, app.historyLimit);
  events.emit({ type: 'sync.finished', app: app.name, run: runId, result, ...(message ? { message } : {}) });
  (deps.telemetry ?? noTelemetry).synced(app.name, result, (finished.getTime() - started.getTime()) / 1000);
  const lastSync: LastSync = {
    id: runId,
    revision,
    trigger: request.trigger,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    result,
    message,
    contentDigest: loaded.digest,
  };
  const changed = outcome.actions.filter((a) => a.action !== 'unchanged').length;
  log.info({ revision, run: runId, result, actions: changed }, 'synced');
  return { runId, outcome, lastSync, message };
}

/**
 * Stores each action of a run as it happens (a crash mid-sync leaves every write made so far in
 * history), in order, then publishes it on the live event stream. The run is finished only after
 * `appended()`, so the final list is never overwritten by a late append.
 */
function actionRecorder(deps: ReconcileDeps, app: string, runId: number) {
  let chain = Promise.resolve();
  const onAction = (action: JobAction) => {
    chain = chain
      .then(() => deps.store.appendRunAction(runId, action))
      .catch((error: unknown) => void deps.storeHealth?.noteError(error));
    (deps.events ?? noEvents).emit({ type: 'sync.job', app, run: runId, action });
  };
  return { onAction, appended: () => chain };
}

/**
 * Step: look again, reading every job, with a list that includes Drover's own writes, so the
 * status reflects what Nomad now holds; then summarize.
 */
async function lookAgainAndSummarize(cycle: Cycle, loaded: Loaded, written: Written): Promise<ReconcileOutcome> {
  const { deps, app, previous, pin, now } = cycle;
  const { runId, outcome, lastSync, message } = written;
  let after: ComparisonResult;
  let healthAfter: Map<string, HealthReading>;
  let applied: AppliedIndex;
  try {
    const atLeast = Math.max(0, ...outcome.actions.map((a) => a.jobModifyIndex ?? 0));
    const seen = await withDeadline(
      'observing Nomad',
      cycle.deadlines.observe,
      observe(cycle.nomad, deps.inventory, deps.store, app, loaded.desired, {
        cachedReads: false,
        cachedList: { atLeast },
      }),
    );
    after = compare({
      app: app.name,
      desired: loaded.desired,
      live: seen.live,
      ignoreDifferences: app.ignoreDifferences,
      adopt: app.syncPolicy.adopt,
    });
    healthAfter = await assessHealth(cycle, after, seen.stubs, await deps.store.getSyncRun(app.name, runId));
    applied = seen.applied;
  } catch (error) {
    const base = { ...(previous ?? baseStatus()), lastSync };
    return { ...(await failed(deps, app, base, pin, now, error)), runId, actions: outcome.actions };
  }
  await rememberApplied(deps.store, app, loaded.revision, after, applied);
  const { revision } = loaded;
  const health = healthAfter;
  // Later waves still to write: the commit is not fully acted on, so the next reconcile syncs on.
  const waves = planWaves(after, loaded.waves, health);
  const digest = waves.hold.size > 0 ? previous?.sync.contentDigest : loaded.digest;
  const summary = summarize(app, after, { revision, digest, previous, pin, now, lastSync, health, held: new Map() });
  const status = withOrdering(summary, waves, undefined, loaded);
  await deps.store.saveAppStatus(app.name, status);
  return {
    status,
    comparison: after,
    runId,
    actions: outcome.actions,
    ...(isManual(cycle.request) && waves.hold.size > 0 ? { wavesPending: true } : {}),
    error: outcome.failed ? { kind: 'transient', message: message ?? 'sync failed' } : undefined,
  };
}

/** The request's selection with each job's wave; pruning waits until no wave is held back. */
function waveSelection(request: ReconcileRequest, waves: WavePlan, loaded: Loaded): SyncSelection {
  return { ...request.sync, waves: loaded.waves, ...(waves.hold.size > 0 ? { prune: false } : {}) };
}

/** The status with what ordering adds: the waves' and the hold's conditions, and each job's wave. */
function withOrdering(status: AppStatus, waves: WavePlan, hold: SyncHold | undefined, loaded: Loaded): AppStatus {
  const waiting = waves.condition ? { ...status, conditions: [...status.conditions, waves.condition] } : status;
  return withWaves(withHold(waiting, hold), loaded.waves);
}

/** A sync a person asked for (a sync or a rollback), as opposed to an automated one. */
function isManual(request: ReconcileRequest): boolean {
  return request.trigger === 'sync' || request.trigger === 'rollback';
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
  const pending = comparison.jobs.filter(
    (j) =>
      j.ownership !== 'foreign' &&
      (j.status === 'OutOfSync' || j.status === 'Missing' || (j.status === 'Extra' && app.syncPolicy.prune)),
  );
  const due = pending.some((j) => !held.has(`${j.namespace}/${j.id}`));
  // A manual sync going on through its waves writes only when the next wave is due.
  if (isManual(request)) return !request.resume || due;
  if (comparison.status !== 'OutOfSync' || !app.syncPolicy.automated || pinned) return false;
  if (!due) return false;
  // A failed sync is retried whatever else it did; a refresh asked for by a person retries it at once.
  if (request.trigger === 'retry') return true;
  if (request.trigger === 'refresh' && previous?.lastSync?.result === 'Failed') return true;
  // Automated sync acts when a commit changed this app's jobs; self-heal also acts on drift.
  return previous?.sync.contentDigest !== digest || app.syncPolicy.selfHeal;
}

export type { SyncRun };
