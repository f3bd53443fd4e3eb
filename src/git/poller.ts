import { normalizeRepoURL } from './url.js';

/** What the poller needs of a mirror: a fetch that says whether anything moved. */
export type Fetchable = { fetch(): Promise<boolean> };

export type PollerOptions = {
  /** Repositories to watch; spellings of one repository are watched once, at the shortest interval. */
  repos: ReadonlyArray<{ url: string; intervalMs: number }>;
  mirror(url: string): Fetchable;
  /** Called with the repository URL (as first listed) when a followed ref moved. */
  onChange(url: string): void;
  onError?(url: string, error: unknown): void;
  /** Each wait is the interval times a random factor in [1 - jitter, 1 + jitter], so repositories spread out. Default 0.1. */
  jitter?: number;
  random?: () => number;
};

type Watch = { url: string; intervalMs: number; timer?: NodeJS.Timeout; running?: Promise<void> };

/**
 * Checks each repository once per interval. A check is the mirror's fetch, which costs one
 * ls-remote round trip when nothing changed; only a change calls `onChange`. The first check
 * waits one interval, because startup already refreshes every app.
 */
export class RepoPoller {
  private readonly watches = new Map<string, Watch>();
  private stopped = false;

  constructor(private readonly options: PollerOptions) {
    for (const repo of options.repos) {
      const key = normalizeRepoURL(repo.url);
      const known = this.watches.get(key);
      if (!known) this.watches.set(key, { url: repo.url, intervalMs: repo.intervalMs });
      else known.intervalMs = Math.min(known.intervalMs, repo.intervalMs);
    }
  }

  start(): void {
    for (const watch of this.watches.values()) this.schedule(watch);
  }

  /** Checks one repository now (e.g. for tests and tools); resolves when done. */
  async check(url: string): Promise<void> {
    const watch = this.watches.get(normalizeRepoURL(url));
    if (watch) await this.poll(watch);
  }

  private schedule(watch: Watch): void {
    if (this.stopped) return;
    const jitter = this.options.jitter ?? 0.1;
    const factor = 1 + jitter * (2 * (this.options.random ?? Math.random)() - 1);
    watch.timer = setTimeout(
      () => {
        void this.poll(watch).finally(() => this.schedule(watch));
      },
      Math.max(1, Math.round(watch.intervalMs * factor)),
    );
  }

  private poll(watch: Watch): Promise<void> {
    watch.running ??= (async () => {
      try {
        if (await this.options.mirror(watch.url).fetch()) this.options.onChange(watch.url);
      } catch (error) {
        this.options.onError?.(watch.url, error);
      }
    })().finally(() => {
      watch.running = undefined;
    });
    return watch.running;
  }

  /** Stops the timers and waits for checks in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
    await Promise.allSettled([...this.watches.values()].map((w) => w.running));
  }
}
