import type { DroverError } from '../domain/errors.js';
import type { SnapshotLimits } from './snapshot.js';

type Waiter = { path: string; resolve(files: Map<string, Buffer>): void; reject(error: unknown): void };

/** Reads several app paths of one commit at once (snapshot.readTrees bound to a mirror). */
export type ReadTrees = (
  sha: string,
  paths: string[],
  limits: SnapshotLimits,
) => Promise<Map<string, Map<string, Buffer> | DroverError>>;

/** Most app paths in one ls-tree command line. */
const MAX_BATCH = 256;

/**
 * Groups the snapshot reads of one mirror: while a read is running, requests queue up, and the
 * next read serves all of them per commit. A thousand apps reconciling at once cost a handful
 * of git processes; a lone request waits only for the end of the current tick.
 */
export class TreeBatcher {
  private queued = new Map<string, Waiter[]>();
  private running = false;

  constructor(
    private readonly readTrees: ReadTrees,
    private readonly limits: SnapshotLimits,
  ) {}

  read(sha: string, path: string): Promise<Map<string, Buffer>> {
    return new Promise((resolve, reject) => {
      const waiters = this.queued.get(sha) ?? [];
      waiters.push({ path, resolve, reject });
      this.queued.set(sha, waiters);
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queued.size > 0) {
        const [sha, waiters] = this.queued.entries().next().value!;
        const batch = waiters.splice(0, MAX_BATCH);
        if (waiters.length === 0) this.queued.delete(sha);
        await this.serve(sha, batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async serve(sha: string, batch: Waiter[]): Promise<void> {
    try {
      const results = await this.readTrees(
        sha,
        batch.map((w) => w.path),
        this.limits,
      );
      for (const waiter of batch) {
        const result = results.get(waiter.path)!;
        if (result instanceof Error) waiter.reject(result);
        else waiter.resolve(result);
      }
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
