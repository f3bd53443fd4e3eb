import type { AppSpec, AppStatus } from '../domain/app.js';
import { reconcileApp, type ReconcileDeps, type Trigger } from './reconcile-app.js';

type AppState = {
  spec: AppSpec;
  running: Promise<AppStatus> | undefined;
  /** A trigger that arrived while a reconcile ran; it runs once after, however many arrived. */
  queued: Trigger | undefined;
  timer: NodeJS.Timeout | undefined;
};

export type ControllerOptions = ReconcileDeps & {
  apps: readonly AppSpec[];
  /** How often each app is refreshed without a trigger. */
  intervalFor(app: AppSpec): number;
};

/**
 * Runs reconciles: at most one per app at a time, triggers coalesced, each app on its own
 * interval. Stop() waits for in-flight work so nothing is left half-applied by a shutdown.
 */
export class Controller {
  private readonly apps = new Map<string, AppState>();
  private stopped = false;

  constructor(private readonly options: ControllerOptions) {
    for (const spec of options.apps) this.apps.set(spec.name, { spec, running: undefined, queued: undefined, timer: undefined });
  }

  start(): void {
    for (const state of this.apps.values()) void this.trigger(state.spec.name, 'startup');
  }

  has(name: string): boolean {
    return this.apps.has(name);
  }

  specs(): AppSpec[] {
    return [...this.apps.values()].map((s) => s.spec);
  }

  /** Asks for a reconcile; resolves with the status of the reconcile that served it. */
  trigger(name: string, reason: Trigger): Promise<AppStatus> {
    const state = this.apps.get(name);
    if (!state) return Promise.reject(new Error(`no app named "${name}"`));
    if (state.running) {
      // A manual sync outranks a refresh that is already waiting.
      state.queued = state.queued === 'sync' ? 'sync' : reason;
      const next = () => this.afterCurrent(state);
      return state.running.then(next, next);
    }
    return this.run(state, reason);
  }

  private afterCurrent(state: AppState): Promise<AppStatus> {
    if (state.running) return state.running;
    return this.run(state, state.queued ?? 'refresh');
  }

  private run(state: AppState, reason: Trigger): Promise<AppStatus> {
    if (state.timer) clearTimeout(state.timer);
    state.queued = undefined;
    state.running = reconcileApp(this.options, state.spec, reason)
      .catch((error: unknown) => {
        this.options.logger.error({ app: state.spec.name, err: error }, 'reconcile crashed');
        throw error;
      })
      .finally(() => {
        state.running = undefined;
        if (this.stopped) return;
        if (state.queued) void this.run(state, state.queued);
        else state.timer = setTimeout(() => void this.trigger(state.spec.name, 'poll').catch(() => undefined), this.options.intervalFor(state.spec));
      });
    return state.running;
  }

  /** Stops timers and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.apps.values()) if (state.timer) clearTimeout(state.timer);
    await Promise.allSettled([...this.apps.values()].map((s) => s.running));
  }
}
