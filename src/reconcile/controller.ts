import type { AppSpec, AppStatus } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import { noTelemetry, type Telemetry } from '../domain/telemetry.js';
import { statusEvents } from './events.js';
import { fetchClock } from '../git/mirror.js';
import { Workers } from './workers.js';
import { systemClock } from '../domain/clock.js';
import { dependentsToWake } from './dependencies.js';
import { checkManualSync } from './ordering.js';
import {
  needsFetch,
  reconcileApp,
  type ReconcileDeps,
  type ReconcileOutcome,
  type ReconcileRequest,
  type Trigger,
} from './reconcile-app.js';

type AppState = {
  spec: AppSpec;
  running: Promise<ReconcileOutcome> | undefined;
  /** A request that arrived while a reconcile ran; it runs once after, however many arrived. */
  queued: ReconcileRequest | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Consecutive failed reconciles, for backoff. */
  failures: number;
  /** When the pending backoff retry is due; reconciles that neither fail nor succeed (drift events) keep it. */
  retryDue: number | undefined;
  status: AppStatus | undefined;
  /** Its set no longer generates it and prunes on delete: every reconcile prunes, and success removes it. */
  retiring?: boolean;
  /** Taken out of the registry: in-flight work ends, nothing is scheduled. */
  removed?: boolean;
  /** Cancels the wake set for when a sync window opens. */
  cancelWake?: () => void;
  /** A manual sync whose later job waves wait: the next automatic trigger runs it on instead. */
  resume?: ReconcileRequest;
};

export type ControllerOptions = ReconcileDeps & {
  apps: readonly AppSpec[];
  /** How often each app is refreshed without a trigger. */
  intervalFor(app: AppSpec): number;
  /** How long stop() waits for in-flight reconciles before abandoning them. */
  shutdownGraceMs?: number;
  /** Reconciles running at once across all apps (default 16); the rest wait by priority. */
  concurrency?: number;
};

/** A reconcile asked for, or still waiting for a worker, when Drover stops: it never runs. */
export class ShutdownError extends Error {
  constructor() {
    super('Drover is shutting down');
    this.name = 'ShutdownError';
  }
}

function newState(spec: AppSpec): AppState {
  return {
    spec,
    running: undefined,
    queued: undefined,
    timer: undefined,
    failures: 0,
    retryDue: undefined,
    status: undefined,
  };
}

/** Manual work outranks automatic work when requests coalesce. */
const PRIORITY: Record<Trigger, number> = {
  rollback: 4,
  sync: 3,
  retry: 2,
  refresh: 1,
  webhook: 1,
  event: 1,
  poll: 0,
  resync: 0,
  startup: 0,
};

/** Triggers a person asks for: they are never replaced by a manual sync going on through its waves. */
const USER_TRIGGERS = new Set<Trigger>(['refresh', 'sync', 'rollback']);

/**
 * Runs reconciles: at most one per app at a time, triggers coalesced, each app on its own
 * interval, failures retried with exponential backoff. stop() finishes in-flight work or,
 * past the grace period, abandons it visibly in history.
 */
export class Controller {
  private readonly apps = new Map<string, AppState>();
  private readonly workers: Workers;
  private stopped = false;
  /** Runs left Running by a previous process are marked before any reconcile of this one starts. */
  private marked: Promise<void> = Promise.resolve();

  constructor(private readonly options: ControllerOptions) {
    this.workers = new Workers(options.concurrency ?? 16);
    for (const spec of options.apps) this.apps.set(spec.name, newState(spec));
  }

  /**
   * Adds an app (an app set generated it). An app of the same name being retired is taken back
   * (its directory came back before its jobs were pruned). Reconciling it is the caller's call.
   */
  add(spec: AppSpec): void {
    const known = this.apps.get(spec.name);
    if (known && !known.retiring) throw new Error(`an app named "${spec.name}" exists`);
    if (known) {
      known.retiring = false;
      known.spec = spec;
    } else this.apps.set(spec.name, newState(spec));
  }

  /** Replaces an app's spec (its set renders it differently now); the next reconcile uses it. */
  update(spec: AppSpec): void {
    const state = this.apps.get(spec.name);
    if (state && !state.retiring) state.spec = spec;
  }

  /**
   * Takes an app out of the registry; its jobs keep running. With `prune`, the app first
   * reconciles against an empty source (its owned jobs are pruned, as removed jobs are) and
   * leaves only once that succeeded: a failure keeps it, retried with backoff.
   */
  remove(name: string, options: { prune: boolean }): Promise<void> {
    const state = this.apps.get(name);
    if (!state || state.retiring) return Promise.resolve();
    if (!options.prune) {
      this.forget(state);
      return Promise.resolve();
    }
    state.retiring = true;
    const policy = state.spec.syncPolicy;
    // The set's prune_on_delete is the consent an emptied source otherwise needs (allow_empty).
    state.spec = { ...state.spec, syncPolicy: { ...policy, automated: true, prune: true, allowEmpty: true } };
    return this.trigger(name, { trigger: 'poll' }).then(
      () => undefined,
      () => undefined,
    );
  }

  private forget(state: AppState): void {
    state.removed = true;
    if (state.timer) clearTimeout(state.timer);
    this.apps.delete(state.spec.name);
    this.telemetry.appRemoved(state.spec.name);
  }

  /**
   * Marks syncs a previous process (or a deposed leader) left unfinished, then reconciles every app
   * once. The marking is done before any reconcile starts, so no run of this process is marked.
   */
  async start(): Promise<void> {
    // Set before the first await: a reconcile triggered meanwhile (a webhook, a poll) waits for it.
    this.marked = this.markInterrupted();
    await this.marked;
    if (this.stopped) return;
    for (const state of this.apps.values())
      void this.trigger(state.spec.name, { trigger: 'startup' }).catch(() => undefined);
  }

  private async markInterrupted(): Promise<void> {
    try {
      const interrupted = await this.options.store.markInterruptedRuns(new Date().toISOString());
      if (interrupted > 0)
        this.options.logger.warn({ runs: interrupted }, 'marked syncs interrupted by the previous shutdown');
    } catch (error) {
      this.options.storeHealth?.noteError(error);
      this.options.logger.error({ err: error }, 'could not mark interrupted syncs');
    }
  }

  specs(): AppSpec[] {
    return [...this.apps.values()].map((s) => s.spec);
  }

  spec(name: string): AppSpec | undefined {
    return this.apps.get(name)?.spec;
  }

  /**
   * The status this process has reconciled, without a store read: what the dependency checks use, which
   * must answer synchronously. An app not yet reconciled here is not ready, and wakes its dependents when it is.
   */
  knownStatus(name: string): AppStatus | undefined {
    return this.apps.get(name)?.status;
  }

  /**
   * The latest statuses of many apps: from memory where this process reconciled them, the rest in one
   * store read (a follower, or a leader just started, would otherwise ask the store once per app).
   */
  async statuses(names: readonly string[]): Promise<Array<AppStatus | undefined>> {
    const unknown = names.filter((name) => this.apps.has(name) && !this.apps.get(name)!.status);
    if (unknown.length < 2) return Promise.all(names.map((name) => this.status(name)));
    const saved = new Map((await this.options.store.listAppStatusesSince()).map((s) => [s.app, s.status]));
    return names.map((name) => {
      const state = this.apps.get(name);
      return state ? (state.status ?? saved.get(name)) : undefined;
    });
  }

  /** The latest status: from memory once reconciled in this process, else from the store. */
  async status(name: string): Promise<AppStatus | undefined> {
    const state = this.apps.get(name);
    return state?.status ?? (state ? await this.options.store.getAppStatus(name) : undefined);
  }

  /**
   * Records that git moved from `from` to `to` without touching this app's files: the app at
   * `to` is the app at `from`, so its status moves along without a reconcile. Returns false
   * (and changes nothing) when the app is busy or its status is not at `from`.
   */
  async advance(name: string, from: string, to: string): Promise<boolean> {
    const state = this.apps.get(name);
    const status = state && !state.running ? await this.status(name) : undefined;
    // A reconcile that started while the status was read owns the status now.
    if (!state || state.running || !status || status.sync.targetRevision !== from) return false;
    const moved: AppStatus = {
      ...status,
      sync: { ...status.sync, targetRevision: to, ...(status.sync.revision === from ? { revision: to } : {}) },
    };
    state.status = moved;
    await this.options.store.saveAppStatus(name, moved);
    this.publish(name, status, moved);
    return true;
  }

  /**
   * Resolves a branch, tag or SHA in the app's repository to a full SHA, fetching once if git
   * does not have it yet; throws `DROVER_ERR_GIT_REVISION` (404) when git does not have it.
   */
  resolveRevision(name: string, revision: string): Promise<string> {
    const spec = this.apps.get(name)?.spec;
    if (!spec) return Promise.reject(new DroverError('DROVER_ERR_NOT_FOUND', `no app named "${name}"`));
    return this.options.mirrors.get(spec.source.repoURL).resolve(revision);
  }

  /** Throws `DROVER_ERR_SYNC_WINDOW` or `DROVER_ERR_DEPENDENCY_NOT_READY` when a manual sync may not run now. */
  checkManualSync(name: string): void {
    const spec = this.apps.get(name)?.spec;
    if (spec) checkManualSync(this.options.ordering, spec);
  }

  /** Whether an app is reconciling now or has a reconcile queued behind the running one. */
  busy(name: string): boolean {
    const state = this.apps.get(name);
    return state !== undefined && (state.running !== undefined || state.queued !== undefined);
  }

  /** Reconciles waiting for a worker, and reconciles running now. */
  load(): { queued: number; busy: number } {
    return { queued: this.workers.queued, busy: this.workers.busy };
  }

  /** Asks for a reconcile; resolves with the outcome of the reconcile that served it. */
  trigger(name: string, asked: ReconcileRequest): Promise<ReconcileOutcome> {
    // Stamped now: a reconcile that waits its turn still shares a git fetch started after this.
    const request: ReconcileRequest = { requestedAt: fetchClock(), ...asked };
    const state = this.apps.get(name);
    if (!state) return Promise.reject(new Error(`no app named "${name}"`));
    if (this.stopped) return Promise.reject(new ShutdownError());
    if (state.resume && !USER_TRIGGERS.has(asked.trigger) && !asked.sync?.dryRun)
      return this.trigger(name, { ...state.resume, requestedAt: request.requestedAt });
    // A dry-run only reads: it neither waits for nor replaces the app's queued work.
    if (request.sync?.dryRun) return reconcileApp(this.options, state.spec, request);
    if (state.running) {
      // Coalesce into one queued request: the more important trigger, fetching if either would.
      const queued = state.queued;
      const winner = !queued || PRIORITY[request.trigger] > PRIORITY[queued.trigger] ? request : queued;
      const requestedAt = Math.max(request.requestedAt ?? 0, queued?.requestedAt ?? 0);
      state.queued = queued ? { ...winner, fetch: needsFetch(request) || needsFetch(queued), requestedAt } : request;
      const next = () => this.afterCurrent(state);
      return state.running.then(next, next);
    }
    return this.run(state, request);
  }

  private afterCurrent(state: AppState): Promise<ReconcileOutcome> {
    if (state.running) return state.running;
    if (state.removed) return Promise.reject(new Error(`no app named "${state.spec.name}"`));
    return this.run(state, state.queued ?? { trigger: 'refresh' });
  }

  private run(state: AppState, request: ReconcileRequest): Promise<ReconcileOutcome> {
    if (state.timer) clearTimeout(state.timer);
    state.queued = undefined;
    let started = 0;
    // A reconcile still waiting for a worker when Drover stops never starts.
    const running = this.workers.run(PRIORITY[request.trigger], async () => {
      await this.marked;
      started = performance.now();
      if (this.stopped) throw new ShutdownError();
      return reconcileApp(this.options, state.spec, state.retiring ? { ...request, retire: true } : request);
    });
    // The status before, for the events this reconcile publishes; a store that cannot say means none.
    const before = this.status(state.spec.name).catch(() => undefined);
    state.running = running
      .then(
        async (outcome) => {
          const seconds = (performance.now() - started) / 1000;
          this.telemetry.reconciled(state.spec.name, outcome.error ? 'error' : 'ok', seconds);
          state.status = outcome.status;
          this.countFailure(state, outcome, request.trigger);
          // An app removed meanwhile keeps no gauges and wakes nothing.
          const previous = await before;
          if (state.removed) return outcome;
          this.publish(state.spec.name, previous, outcome.status);
          if (state.retiring && !outcome.error && outcome.status.sync.status === 'Synced') this.forget(state);
          this.wakeLater(state, outcome.wakeAt);
          this.wakeDependents(state.spec.name, outcome.status);
          this.resumeLater(state, request, outcome);
          return outcome;
        },
        (error: unknown) => {
          // A refused request (say, a sync naming jobs the app does not render) is the caller's to fix.
          // So is work that never started because Drover is stopping: a clean shutdown logs no error.
          if (error instanceof ShutdownError) throw error;
          if (error instanceof DroverError) {
            // A manual sync going on through its waves that is now refused (a window closed) stops there.
            if (request.resume) state.resume = undefined;
            throw error;
          }
          state.failures++;
          state.retryDue = undefined;
          // An SQLite error that means a broken file closes the store: later reconciles write nothing.
          this.options.storeHealth?.noteError(error);
          this.options.logger.error({ app: state.spec.name, err: error }, 'reconcile crashed');
          throw error;
        },
      )
      .finally(() => {
        state.running = undefined;
        if (this.stopped || state.removed) return;
        if (state.queued) void this.run(state, state.queued).catch(() => undefined);
        else this.schedule(state);
      });
    return state.running;
  }

  /**
   * A failure counts towards the backoff, a success resets it; a reconcile that did not sync
   * while a failed sync still waits for its retry (a drift event, a refresh) changes neither.
   */
  private countFailure(state: AppState, outcome: ReconcileOutcome, trigger: Trigger): void {
    // The retry itself counts, even if it found nothing it could write (held jobs): the backoff moves on.
    if (outcome.retryPending && state.failures > 0 && trigger !== 'retry') return;
    state.failures = outcome.error?.kind === 'transient' || outcome.retryPending ? state.failures + 1 : 0;
    state.retryDue = undefined;
  }

  private get telemetry(): Telemetry {
    return this.options.telemetry ?? noTelemetry;
  }

  /** Publishes a status change as events and gauges. */
  private publish(name: string, before: AppStatus | undefined, after: AppStatus): void {
    this.telemetry.appStatus(name, after.sync.status, after.health.status);
    for (const event of statusEvents(name, before, after)) this.options.events?.emit(event);
  }

  /** A held sync reconciles again when its sync window opens, on the injected clock (one wake per app). */
  private wakeLater(state: AppState, at: number | undefined): void {
    state.cancelWake?.();
    state.cancelWake = undefined;
    if (at === undefined || this.stopped) return;
    const clock = this.options.ordering?.clock ?? systemClock;
    state.cancelWake = clock.setTimer(at, () => {
      state.cancelWake = undefined;
      void this.trigger(state.spec.name, { trigger: 'resync' }).catch(() => undefined);
    });
  }

  /** A manual sync that left job waves waiting goes on with them; one that finished (or a new one) replaces it. */
  private resumeLater(state: AppState, request: ReconcileRequest, outcome: ReconcileOutcome): void {
    // Only a manual sync (or rollback) goes on, and the resumed request is one too.
    if (request.trigger !== 'sync' && request.trigger !== 'rollback') return;
    const { requestedAt: _at, ...rest } = request;
    state.resume = outcome.wavesPending ? { ...rest, resume: true, fetch: false } : undefined;
  }

  /** An app that became Synced and Healthy wakes the apps waiting for it (depends_on), through the queue. */
  private wakeDependents(name: string, status: AppStatus): void {
    const busy = (n: string) => this.busy(n);
    for (const dependent of dependentsToWake(this.specs(), name, status, (n) => this.knownStatus(n), busy))
      void this.trigger(dependent, { trigger: 'event' }).catch(() => undefined);
  }

  /** Next automatic reconcile: a backoff retry after a transient failure, else the refresh interval with jitter. */
  private schedule(state: AppState): void {
    const retry = state.spec.syncPolicy.retry;
    const retrying = state.failures > 0 && state.failures <= retry.limit;
    if (retrying)
      state.retryDue ??=
        Date.now() + Math.min(retry.backoffMs * retry.factor ** (state.failures - 1), retry.maxBackoffMs);
    const delay = retrying
      ? Math.max(0, state.retryDue! - Date.now())
      : this.options.intervalFor(state.spec) * (0.9 + Math.random() * 0.2);
    const trigger: Trigger = retrying ? 'retry' : 'resync';
    state.timer = setTimeout(() => void this.trigger(state.spec.name, { trigger }).catch(() => undefined), delay);
  }

  /** Stops timers and waits for in-flight reconciles; past the grace period they are recorded as interrupted. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.apps.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.cancelWake?.();
    }
    const inflight = [...this.apps.values()]
      .map((s) => s.running)
      .filter((p): p is Promise<ReconcileOutcome> => p !== undefined);
    if (inflight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownGraceMs ?? 30_000);
    });
    const result = await Promise.race([Promise.allSettled(inflight).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    if (result === 'timeout') {
      const count = await this.options.store
        .markInterruptedRuns(
          new Date().toISOString(),
          'abandoned at shutdown after the grace period; the next start re-derives the state',
        )
        .catch(() => 0);
      this.options.logger.warn({ runs: count }, 'abandoned in-flight syncs at shutdown');
    }
  }
}
