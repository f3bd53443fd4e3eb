import type { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { DroverEvent, EventSink } from '../reconcile/events.js';
import { inScope, requireRole, type AuthEnv } from './auth/principal.js';

/** An event as the stream carries it: an increasing ID, its type, and its JSON. */
export type StoredEvent = { id: number; event: DroverEvent };

/**
 * Fans events out to live streams and keeps the most recent `capacity` in a ring, so a client
 * that reconnects with Last-Event-ID gets what it missed. IDs increase by one per event and
 * start from the clock at startup, so they keep increasing across restarts.
 */
export class EventHub implements EventSink {
  private readonly ring: StoredEvent[] = [];
  private readonly listeners = new Set<(stored: StoredEvent) => void>();
  private readonly closers = new Set<() => void>();
  private nextId: number;

  constructor(
    private readonly capacity = 1000,
    firstId = Date.now(),
  ) {
    this.nextId = firstId;
  }

  emit(event: DroverEvent): void {
    const stored = { id: this.nextId++, event };
    this.ring.push(stored);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const listener of this.listeners) listener(stored);
  }

  /**
   * The events after `lastId` still in the ring; `complete` is false when some were already
   * dropped (or the ID is from the future: another process), so the client must reload state.
   */
  since(lastId: number): { events: StoredEvent[]; complete: boolean } {
    const oldest = this.ring[0]?.id ?? this.nextId;
    const complete = lastId >= oldest - 1 && lastId < this.nextId;
    return { events: this.ring.filter((e) => e.id > lastId), complete };
  }

  subscribe(listener: (stored: StoredEvent) => void, onClose: () => void): () => void {
    this.listeners.add(listener);
    this.closers.add(onClose);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(onClose);
    };
  }

  /** Ends every open stream (at shutdown), so none holds the server open. */
  close(): void {
    for (const close of [...this.closers]) close();
  }
}

export type EventsOptions = {
  hub: EventHub;
  heartbeatMs?: number;
  /** The project of an app (for project scopes); undefined for an app Drover no longer has. */
  projectOf?: (app: string) => string | undefined;
};

/**
 * `GET /api/v1/events`: server-sent events for the apps in the caller's scope. `Last-Event-ID`
 * (or `?lastEventId=`) resumes after that event; when the ring no longer holds it, a `resync`
 * event says to reload. A comment line every `heartbeatMs` keeps proxies from closing the stream.
 */
export function registerEvents(api: Hono<AuthEnv>, options: EventsOptions): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  api.get('/api/v1/events', requireRole('viewer'), (c) => {
    const principal = c.get('principal');
    const last = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    return streamSSE(c, async (stream) => {
      const visible = (stored: StoredEvent) =>
        inScope(principal, stored.event.app, options.projectOf?.(stored.event.app));
      const send = (stored: StoredEvent) =>
        stream.writeSSE({ id: String(stored.id), event: stored.event.type, data: JSON.stringify(stored.event) });
      const queue: StoredEvent[] = [];
      let wake: (() => void) | undefined;
      let open = true;
      const stop = () => {
        open = false;
        wake?.();
      };
      const unsubscribe = options.hub.subscribe((stored) => {
        if (!visible(stored)) return;
        queue.push(stored);
        wake?.();
      }, stop);
      stream.onAbort(stop);
      try {
        await replay(stream, options.hub, last, visible, send);
        while (open && !stream.aborted) {
          const next = queue.shift();
          if (next) {
            await send(next);
            continue;
          }
          const beat = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), heartbeatMs);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = undefined;
          if (beat && open) await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

/** Sends what a resuming client missed, or a `resync` when the ring no longer has it. */
async function replay(
  stream: SSEStreamingApi,
  hub: EventHub,
  last: string | undefined,
  visible: (stored: StoredEvent) => boolean,
  send: (stored: StoredEvent) => Promise<void>,
): Promise<void> {
  if (last === undefined || last === '') {
    await stream.write(': connected\n\n');
    return;
  }
  const lastId = Number(last);
  const { events, complete } = Number.isSafeInteger(lastId) ? hub.since(lastId) : { events: [], complete: false };
  if (!complete) {
    await stream.writeSSE({
      event: 'resync',
      data: JSON.stringify({ reason: 'events since that ID are gone; reload' }),
    });
  }
  for (const stored of events) if (visible(stored)) await send(stored);
}
