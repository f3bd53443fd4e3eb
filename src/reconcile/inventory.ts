import type { Logger } from 'pino';
import type { NomadClient } from '../nomad/index.js';
import type { JobListStub } from '../nomad/jobs.js';
import { sleep } from '../nomad/retry.js';
import { watch as watchQuery } from '../nomad/watch.js';
import { EventsUnavailableError, followEvents } from './inventory-events.js';
import { NamespaceView, type ViewChange } from './inventory-view.js';

/** How long one blocking list waits on the server before asking again. */
const BLOCK_WAIT = '60s';
/**
 * Floor between two lists while the namespace is busy (blocking-list fallback only). Each
 * answer is the whole job list, so asking again at every allocation update of a busy cluster
 * would cost the servers and Drover a full list each time; drift is still seen within ~0.5 s.
 */
const MIN_BUSY_GAP_MS = 500;
const MAX_BACKOFF_MS = 30_000;

type Watch = {
  cluster: string;
  namespace: string;
  view: NamespaceView;
  /** The Raft index the view is current to. */
  index: number;
  /** The highest index a direct list has shown; the watch is served only once it has caught up. */
  floor: number;
  healthy: boolean;
  /** How the watch follows Nomad: the event stream, or blocking lists when the stream is refused. */
  mode: 'events' | 'list';
  abort: AbortController;
  /** Callers waiting for the watch's next answer. */
  waiters: Array<() => void>;
};

/** How a watch follows Nomad. */
export type WatchSource = 'events' | 'list';

export type InventoryOptions = {
  nomadFor(cluster: string): NomadClient;
  logger: Logger;
  /** Called with the list entries that are new or changed, and those gone, since the previous answer. */
  onChange(cluster: string, namespace: string, changed: JobListStub[], gone: JobListStub[]): void;
  /**
   * `events` (default): follow `/v1/event/stream`, falling back to blocking lists when Nomad
   * refuses it; `list`: blocking lists only. A function chooses per cluster.
   */
  source?: WatchSource | ((cluster: string) => WatchSource);
};

/**
 * The live job list of every (cluster, namespace) Drover manages, kept current with Nomad's
 * event stream (one event per change), or its blocking list queries where the stream is
 * disabled or forbidden. Every app reads from it, so a no-change refresh of all apps costs no
 * Nomad call at all, and a job changed behind git's back is noticed within one round trip.
 * When a watch is unhealthy, callers get a direct list call instead: stale data is never served.
 */
export class JobInventory {
  private readonly watches = new Map<string, Watch>();
  private stopped = false;

  constructor(private readonly options: InventoryOptions) {}

  /** The jobs of a namespace (with Meta), from the watch when it is healthy, else from Nomad directly. */
  async list(cluster: string, namespace: string): Promise<JobListStub[]> {
    const watch = this.watches.get(`${cluster}\u0000${namespace}`);
    if (watch && served(watch)) return watch.view.list();
    return this.listFresh(cluster, namespace);
  }

  /**
   * The jobs of a namespace as of at least Raft index `index` (say, Drover's own last write):
   * from the watch once it has seen that index (it usually has within milliseconds, since the
   * write's event or answer reaches it at once), else from Nomad directly after `waitMs`.
   */
  async listAtLeast(cluster: string, namespace: string, index: number, waitMs = 2000): Promise<JobListStub[]> {
    const watch = this.watches.get(`${cluster}\u0000${namespace}`);
    const deadline = Date.now() + waitMs;
    while (watch?.healthy && !this.stopped && Date.now() < deadline) {
      if (watch.index >= index && served(watch)) return watch.view.list();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        watch.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.listFresh(cluster, namespace);
  }

  /**
   * The jobs of a namespace straight from Nomad. Later `list` calls are served from the watch
   * only once it has seen at least this answer's index, so Drover's own writes are never hidden.
   */
  async listFresh(cluster: string, namespace: string): Promise<JobListStub[]> {
    const key = `${cluster}\u0000${namespace}`;
    const { jobs, meta } = await this.options.nomadFor(cluster).jobs.list({ namespace, meta: true });
    const watch = this.watches.get(key);
    if (watch?.mode === 'events' && meta.lastIndex >= watch.index) {
      // A list is a snapshot at its index: adopt it, and the stream skips the events it covers.
      this.adopt(watch, jobs, meta.lastIndex);
    } else if (watch) {
      watch.floor = Math.max(watch.floor, meta.lastIndex);
    } else if (!this.stopped) {
      const created: Watch = {
        cluster,
        namespace,
        view: new NamespaceView(jobs),
        index: meta.lastIndex,
        floor: meta.lastIndex,
        healthy: true,
        mode: this.sourceFor(cluster),
        abort: new AbortController(),
        waiters: [],
      };
      this.watches.set(key, created);
      void this.follow(created);
    }
    return jobs;
  }

  private sourceFor(cluster: string): WatchSource {
    const { source = 'events' } = this.options;
    return typeof source === 'function' ? source(cluster) : source;
  }

  private adopt(watch: Watch, jobs: JobListStub[], index: number): void {
    const change = watch.view.replace(jobs);
    watch.index = index;
    watch.floor = Math.max(watch.floor, index);
    this.wake(watch);
    this.report(watch, change);
  }

  private async follow(watch: Watch): Promise<void> {
    if (watch.mode === 'events') {
      try {
        await this.followEvents(watch);
        return;
      } catch (error) {
        if (!(error instanceof EventsUnavailableError)) throw error;
        this.options.logger.warn(
          { cluster: watch.cluster, namespace: watch.namespace, reason: error.reason },
          'Nomad event stream unavailable; watching the job list with blocking queries instead',
        );
        watch.mode = 'list';
      }
    }
    await this.followList(watch);
  }

  private followEvents(watch: Watch): Promise<void> {
    const nomad = this.options.nomadFor(watch.cluster);
    return followEvents(nomad, watch, {
      signal: watch.abort.signal,
      wake: () => this.wake(watch),
      report: (change) => this.report(watch, change),
      relist: async () => {
        const { jobs, meta } = await nomad.jobs.list({ namespace: watch.namespace, meta: true });
        if (meta.lastIndex >= watch.index) this.adopt(watch, jobs, meta.lastIndex);
        return meta.lastIndex;
      },
      logError: (error, message) =>
        this.options.logger.debug(
          { cluster: watch.cluster, namespace: watch.namespace, err: (error as Error).message },
          message,
        ),
    });
  }

  private async followList(watch: Watch): Promise<void> {
    const nomad = this.options.nomadFor(watch.cluster);
    const answers = watchQuery((query) => nomad.jobs.list({ ...query, namespace: watch.namespace, meta: true }), {
      wait: BLOCK_WAIT,
      signal: watch.abort.signal,
      retry: { baseDelayMs: 1000, maxDelayMs: MAX_BACKOFF_MS },
      onAnswer: () => {
        watch.healthy = true;
        this.wake(watch);
      },
      onError: (error) => {
        watch.healthy = false;
        this.wake(watch);
        this.options.logger.debug(
          { cluster: watch.cluster, namespace: watch.namespace, err: (error as Error).message },
          'job list watch failed; retrying',
        );
      },
    });
    // The watch yields only answers whose index moved.
    for await (const { jobs, meta } of answers) {
      const change = watch.view.replace(jobs);
      watch.index = meta.lastIndex;
      this.wake(watch);
      this.report(watch, change);
      await sleep(MIN_BUSY_GAP_MS, watch.abort.signal).catch(() => undefined);
    }
  }

  private wake(watch: Watch): void {
    for (const wake of watch.waiters.splice(0)) wake();
  }

  private report(watch: Watch, change: ViewChange): void {
    if (change.changed.length + change.gone.length > 0)
      this.options.onChange(watch.cluster, watch.namespace, change.changed, change.gone);
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches.values()) watch.abort.abort();
  }
}

/** A watch may answer for Nomad when it is healthy and has caught up with every direct list. */
function served(watch: Watch): boolean {
  return watch.healthy && watch.index >= watch.floor;
}
