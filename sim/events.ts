import type { NomadEvent } from '../src/nomad/types.js';

/** One Raft index's worth of events, as one line of the stream. */
export type EventBatch = { Index: number; Events: NomadEvent[] };

/** What a stream subscriber asked for: topic → keys (`*` for all) and a namespace (`*` for all). */
export type EventFilter = { topics: Map<string, Set<string>> | 'all'; namespace: string };

type Subscriber = { filter: EventFilter; push(batch: EventBatch): void; close(): void };

/**
 * The event broker: keeps the last `bufferSize` batches (Nomad's event_buffer_size, default
 * 100) for replay, and fans new batches out to open streams.
 */
export class EventBroker {
  private buffer: EventBatch[] = [];
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly bufferSize = 100) {}

  publish(batch: EventBatch): void {
    if (batch.Events.length === 0) return;
    this.buffer.push(batch);
    if (this.buffer.length > this.bufferSize) this.buffer.shift();
    for (const subscriber of this.subscribers) {
      const filtered = filterBatch(batch, subscriber.filter);
      if (filtered) subscriber.push(filtered);
    }
  }

  /** Subscribes; returns the buffered batches at or after `fromIndex` (all with 0) and an unsubscribe. */
  subscribe(
    filter: EventFilter,
    fromIndex: number,
    push: (batch: EventBatch) => void,
    close: () => void,
  ): { replay: EventBatch[]; unsubscribe: () => void } {
    const subscriber: Subscriber = { filter, push, close };
    this.subscribers.add(subscriber);
    const replay = this.buffer
      .filter((batch) => batch.Index >= fromIndex)
      .map((batch) => filterBatch(batch, filter))
      .filter((b): b is EventBatch => b !== undefined);
    return { replay, unsubscribe: () => this.subscribers.delete(subscriber) };
  }

  /** Closes every open stream (fault injection: "drop event-stream connections"). Returns how many. */
  dropAll(): number {
    const count = this.subscribers.size;
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
    return count;
  }

  reset(): void {
    this.buffer = [];
  }
}

function filterBatch(batch: EventBatch, filter: EventFilter): EventBatch | undefined {
  const events = batch.Events.filter((event) => matches(event, filter));
  return events.length > 0 ? { Index: batch.Index, Events: events } : undefined;
}

function matches(event: NomadEvent, filter: EventFilter): boolean {
  if (filter.namespace !== '*' && event.Namespace !== '' && event.Namespace !== filter.namespace) return false;
  if (filter.topics === 'all') return true;
  const keys = filter.topics.get(event.Topic) ?? filter.topics.get('*');
  if (!keys) return false;
  return keys.has('*') || keys.has(event.Key) || (event.FilterKeys ?? []).some((key) => keys.has(key));
}
