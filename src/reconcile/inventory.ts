import type { Logger } from 'pino';
import type { NomadClient } from '../nomad/index.js';
import type { JobListStub } from '../nomad/jobs.js';
import { sleep } from '../nomad/retry.js';
import { watch as watchQuery } from '../nomad/watch.js';

/** How long one blocking list waits on the server before asking again. */
const BLOCK_WAIT = '60s';
/**
 * Floor between two lists while the namespace is busy. Each answer is the whole job list, so
 * asking again at every allocation update of a busy cluster would cost the servers and Drover
 * a full list each time; drift is still seen within about half a second.
 */
const MIN_BUSY_GAP_MS = 500;
const MAX_BACKOFF_MS = 30_000;

type Watch = {
  cluster: string;
  namespace: string;
  stubs: JobListStub[] | undefined;
  index: number;
  /** The highest index a direct list has shown; the watch is served only once it has caught up. */
  floor: number;
  healthy: boolean;
  abort: AbortController;
  /** Callers waiting for the watch's next answer. */
  waiters: Array<() => void>;
};

export type InventoryOptions = {
  nomadFor(cluster: string): NomadClient;
  logger: Logger;
  /** Called with the list entries that are new or changed, and those gone, since the previous answer. */
  onChange(cluster: string, namespace: string, changed: JobListStub[], gone: JobListStub[]): void;
};

/**
 * The live job list of every (cluster, namespace) Drover manages, kept current with Nomad's
 * blocking queries. Every app reads from it, so a no-change refresh of all apps costs no
 * Nomad call at all, and a job changed behind git's back is noticed within one round trip.
 * When a watch is unhealthy, callers get a direct list call instead: stale data is never served.
 */
export class JobInventory {
  private readonly watches = new Map<string, Watch>();
  private stopped = false;

  constructor(private readonly options: InventoryOptions) {}

  /** The jobs of a namespace (with Meta), from the watch when it is healthy, else from Nomad directly. */
  async list(cluster: string, namespace: string): Promise<JobListStub[]> {
    const key = `${cluster}\u0000${namespace}`;
    const watch = this.watches.get(key);
    if (watch?.healthy && watch.stubs && watch.index >= watch.floor) return watch.stubs;
    return this.listFresh(cluster, namespace);
  }

  /**
   * The jobs of a namespace as of at least Raft index `index` (say, Drover's own last write):
   * from the watch once it has seen that index (it usually has within milliseconds, since the
   * write answers its blocking query), else from Nomad directly after `waitMs`.
   */
  async listAtLeast(cluster: string, namespace: string, index: number, waitMs = 2000): Promise<JobListStub[]> {
    const watch = this.watches.get(`${cluster}\u0000${namespace}`);
    const deadline = Date.now() + waitMs;
    while (watch?.healthy && watch.stubs && !this.stopped && Date.now() < deadline) {
      if (watch.index >= index && watch.index >= watch.floor) return watch.stubs;
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
    if (watch) {
      watch.floor = Math.max(watch.floor, meta.lastIndex);
    } else if (!this.stopped) {
      const created: Watch = {
        cluster,
        namespace,
        stubs: jobs,
        index: meta.lastIndex,
        floor: meta.lastIndex,
        healthy: true,
        abort: new AbortController(),
        waiters: [],
      };
      this.watches.set(key, created);
      void this.follow(created);
    }
    return jobs;
  }

  private async follow(watch: Watch): Promise<void> {
    const nomad = this.options.nomadFor(watch.cluster);
    const wakeWaiters = () => {
      for (const wake of watch.waiters.splice(0)) wake();
    };
    const answers = watchQuery((query) => nomad.jobs.list({ ...query, namespace: watch.namespace, meta: true }), {
      wait: BLOCK_WAIT,
      signal: watch.abort.signal,
      retry: { baseDelayMs: 1000, maxDelayMs: MAX_BACKOFF_MS },
      onAnswer: () => {
        watch.healthy = true;
        wakeWaiters();
      },
      onError: (error) => {
        watch.healthy = false;
        wakeWaiters();
        this.options.logger.debug(
          { cluster: watch.cluster, namespace: watch.namespace, err: (error as Error).message },
          'job list watch failed; retrying',
        );
      },
    });
    // The watch yields only answers whose index moved.
    for await (const { jobs, meta } of answers) {
      const { changed, gone } = changedStubs(watch.stubs ?? [], jobs);
      watch.stubs = jobs;
      watch.index = meta.lastIndex;
      wakeWaiters();
      if (changed.length + gone.length > 0) this.options.onChange(watch.cluster, watch.namespace, changed, gone);
      await sleep(MIN_BUSY_GAP_MS, watch.abort.signal).catch(() => undefined);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches.values()) watch.abort.abort();
  }
}

/** Entries that are new, whose job or summary moved, and entries no longer listed. */
function changedStubs(before: JobListStub[], after: JobListStub[]): { changed: JobListStub[]; gone: JobListStub[] } {
  const key = (s: JobListStub) => `${s.Namespace}/${s.ID}`;
  const old = new Map(before.map((s) => [key(s), s]));
  const changed = after.filter((s) => {
    const before = old.get(key(s));
    return before?.ModifyIndex !== s.ModifyIndex || before.JobSummary?.ModifyIndex !== s.JobSummary?.ModifyIndex;
  });
  const current = new Set(after.map(key));
  return { changed, gone: before.filter((s) => !current.has(key(s))) };
}
