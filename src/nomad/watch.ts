import type { QueryMeta, QueryOptions } from './client.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';

export type WatchOptions = {
  /** Blocking wait per request (Go duration). Default "5m", Nomad's cap. */
  wait?: string;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** Called with each failed read before the watcher waits and tries again. */
  onError?: (error: unknown) => void;
  /** Called after every successful read, including a wait that ran out with nothing new. */
  onAnswer?: () => void;
};

/**
 * A blocking-query loop over any read of the client: yields the first answer, then each
 * answer whose index moved. An index that goes backwards (a restored or new cluster) starts
 * over from 0, as Nomad's docs advise. Errors are retried with backoff until the signal aborts.
 */
export async function* watch<T extends { meta: QueryMeta }>(
  read: (options: Pick<QueryOptions, 'index' | 'wait' | 'signal'>) => Promise<T>,
  options: WatchOptions = {},
): AsyncGenerator<T> {
  const policy: RetryPolicy = { attempts: Infinity, baseDelayMs: 200, maxDelayMs: 30_000, ...options.retry };
  let index = 0;
  let failures = 0;
  while (!options.signal?.aborted) {
    let result: T;
    try {
      result = await read({ index, wait: options.wait ?? '5m', signal: options.signal });
      failures = 0;
      options.onAnswer?.();
    } catch (error) {
      if (options.signal?.aborted) return;
      options.onError?.(error);
      await sleep(backoffDelay(policy, Math.min(++failures, 20)), options.signal).catch(() => undefined);
      continue;
    }
    const next = result.meta.lastIndex;
    if (next > 0 && next < index) {
      index = 0;
      continue;
    }
    if (index === 0 || next > index) yield result;
    // An answer without an index cannot block: wait instead of spinning.
    if (next === 0) await sleep(policy.maxDelayMs, options.signal).catch(() => undefined);
    index = Math.max(next, 1);
  }
}
