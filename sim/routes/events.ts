import type { Hono } from 'hono';
import type { Sim } from '../context.js';
import type { EventBatch, EventFilter } from '../events.js';
import { namespaceOf, uintParam } from '../http.js';
import { SimError } from '../state.js';

/**
 * `/v1/event/stream`: newline-delimited JSON, `{}` first and as heartbeat, then one
 * `{"Index", "Events"}` line per write. Starts at `index` (0: the whole buffer).
 */
export function eventRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/event/stream', (c) => {
    const filter: EventFilter = { topics: parseTopics(c.req.queries('topic') ?? []), namespace: namespaceOf(c) };
    const fromIndex = uintParam(c.req.query('index'), 'Unable to parse index') ?? 0;
    const encoder = new TextEncoder();
    let cleanup = () => undefined as void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        const send = (value: unknown) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
          } catch {
            close();
          }
        };
        const close = () => {
          if (!open) return;
          open = false;
          cleanup();
          try {
            controller.close();
          } catch {
            // already cancelled by the client
          }
        };
        send({});
        const { replay, unsubscribe } = sim.state.broker.subscribe(
          filter,
          fromIndex,
          (batch: EventBatch) => send(batch),
          close,
        );
        for (const batch of replay) send(batch);
        const heartbeat = setInterval(() => send({}), sim.heartbeatMs);
        const onAbort = () => close();
        c.req.raw.signal.addEventListener('abort', onAbort, { once: true });
        cleanup = () => {
          clearInterval(heartbeat);
          unsubscribe();
          c.req.raw.signal.removeEventListener('abort', onAbort);
        };
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  });
}

function parseTopics(values: string[]): EventFilter['topics'] {
  if (values.length === 0) return 'all';
  const topics = new Map<string, Set<string>>();
  for (const value of values) {
    const parts = value.split(':');
    if (parts.length > 2 || parts[0] === '') throw new SimError(400, `Invalid topic query: ${value}`);
    const keys = topics.get(parts[0]!) ?? new Set<string>();
    keys.add(parts[1] || '*');
    topics.set(parts[0]!, keys);
  }
  return topics;
}
