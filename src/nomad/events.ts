import type { NomadHTTP, QueryOptions } from './client.js';
import { NomadNetworkError } from './errors.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';
import type { NomadEvent } from './types.js';

/** One line of the stream: every event of one Raft index. */
export type EventBatch = { Index: number; Events: NomadEvent[] };

export type EventStreamOptions = Omit<QueryOptions, 'index' | 'wait'> & {
  /** Topic → filter keys (`{ Job: ['web'], Deployment: ['*'] }`). Omitted: every topic (needs a management token). */
  topics?: Record<string, string[]>;
  /** Start at this index (0: replay of the server's buffer). */
  index?: number;
  /** A connection silent this long (no event, no heartbeat) counts as dropped. Default 75 s (Nomad beats every 30 s). */
  idleTimeoutMs?: number;
  /**
   * Called once Nomad has answered 200, before any batch is read (batches wait in the socket
   * meanwhile); a caller can take a snapshot here knowing every later write will be streamed.
   */
  onOpen?: () => Promise<void> | void;
};

/** Raised when a stream ends without being asked to: Nomad closes it on errors after the 200. */
export class EventStreamClosedError extends Error {
  constructor(readonly lastIndex: number) {
    super(`Nomad event stream closed after index ${lastIndex}`);
    this.name = 'EventStreamClosedError';
  }
}

/** The event stream (`/v1/event/stream`): newline-delimited JSON, `{}` heartbeats every 30 s. */
export class Events {
  constructor(private readonly http: NomadHTTP) {}

  /** One connection. Yields batches; ends by throwing EventStreamClosedError on EOF, or returns when the signal aborts. */
  async *stream(options: EventStreamOptions = {}): AsyncGenerator<EventBatch> {
    const { topics, index, idleTimeoutMs = 75_000, onOpen, ...rest } = options;
    const idle = new AbortController();
    const signal = rest.signal ? AbortSignal.any([idle.signal, rest.signal]) : idle.signal;
    let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
    const response = await this.http
      .send({ method: 'GET', path: streamPath(topics, index), options: { ...rest, signal } })
      .catch((error: unknown) => {
        clearTimeout(timer);
        // The idle timer also covers the wait for the answer's headers: say so, not "request aborted".
        if (idle.signal.aborted && !rest.signal?.aborted)
          throw new NomadNetworkError(
            'GET',
            '/v1/event/stream',
            `no event or heartbeat for ${idleTimeoutMs} ms`,
            error,
          );
        throw error;
      });
    let lastIndex = index ?? 0;
    try {
      await onOpen?.();
    } catch (error) {
      clearTimeout(timer);
      idle.abort();
      await response.cancel().catch(() => undefined);
      throw error;
    }
    let buffered = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleTimeoutMs);
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const batch = parseLine(buffered.slice(0, newline).trim());
          buffered = buffered.slice(newline + 1);
          if (!batch) continue;
          lastIndex = batch.Index;
          yield batch;
        }
      }
    } catch (error) {
      if (rest.signal?.aborted) return;
      throw new NomadNetworkError(
        'GET',
        '/v1/event/stream',
        idle.signal.aborted ? `no event or heartbeat for ${idleTimeoutMs} ms` : (error as Error).message,
        error,
      );
    } finally {
      clearTimeout(timer);
      idle.abort();
    }
    if (rest.signal?.aborted) return;
    throw new EventStreamClosedError(lastIndex);
  }

  /**
   * A stream that survives drops: after an error it reconnects (exponential backoff with
   * jitter) from the index after the last batch it delivered, and skips any batch it already
   * delivered. Runs until the signal aborts.
   */
  async *subscribe(
    options: EventStreamOptions & { retry?: Partial<RetryPolicy>; onReconnect?: (error: unknown) => void } = {},
  ): AsyncGenerator<EventBatch> {
    const { retry, onReconnect, ...streamOptions } = options;
    const policy: RetryPolicy = { attempts: Infinity, baseDelayMs: 100, maxDelayMs: 10_000, ...retry };
    let lastIndex = (streamOptions.index ?? 0) - 1;
    let failures = 0;
    while (!streamOptions.signal?.aborted) {
      try {
        const from = lastIndex >= 0 ? lastIndex + 1 : 0;
        for await (const batch of this.stream({ ...streamOptions, index: from })) {
          failures = 0;
          if (batch.Index <= lastIndex) continue;
          lastIndex = batch.Index;
          yield batch;
        }
        return;
      } catch (error) {
        if (streamOptions.signal?.aborted) return;
        failures++;
        onReconnect?.(error);
        await sleep(backoffDelay(policy, Math.min(failures, 20)), streamOptions.signal).catch(() => undefined);
      }
    }
  }
}

function streamPath(topics: Record<string, string[]> | undefined, index: number | undefined): string {
  const params = new URLSearchParams();
  for (const [topic, keys] of Object.entries(topics ?? {})) {
    for (const key of keys.length ? keys : ['*']) params.append('topic', `${topic}:${key}`);
  }
  if (index) params.set('index', String(index));
  const query = params.toString();
  return `/v1/event/stream${query ? `?${query}` : ''}`;
}

function parseLine(line: string): EventBatch | undefined {
  if (line === '' || line === '{}') return undefined;
  const value = JSON.parse(line) as Partial<EventBatch>;
  if (typeof value.Index !== 'number' || !Array.isArray(value.Events)) return undefined;
  return value as EventBatch;
}
