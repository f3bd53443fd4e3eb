import type { Logger } from 'pino';
import type { AppStatus } from '../domain/app.js';
import type { Store } from '../store/store.js';
import { statusEvents, type DroverEvent, type EventSink } from './events.js';

/** Re-read this far before the newest save seen: a new leader whose clock runs a little behind still shows. */
const CLOCK_SKEW_MS = 5000;

export type StatusRelayOptions = {
  store: Store;
  events: EventSink;
  intervalMs: number;
  logger: Logger;
};

/**
 * On an HA follower, which reconciles nothing: follows the statuses the leader saves in the shared
 * store and publishes the events they make (status, conditions, a finished sync), so a UI or an
 * event-stream client on any instance sees changes live. Statuses present at start make no events.
 */
export class StatusRelay {
  private readonly known = new Map<string, string>();
  private cursor: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private primed = false;

  constructor(private readonly options: StatusRelayOptions) {}

  start(): void {
    if (this.timer) return;
    const tick = () =>
      void this.poll()
        .catch((error: unknown) => this.options.logger.debug({ err: (error as Error).message }, 'status relay failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One look at the store: publishes what changed since the last look. */
  async poll(): Promise<void> {
    const since = this.cursor && new Date(Date.parse(this.cursor) - CLOCK_SKEW_MS).toISOString();
    const saved = await this.options.store.listAppStatusesSince(since);
    for (const { app, status, updatedAt } of saved) {
      if (!this.cursor || updatedAt > this.cursor) this.cursor = updatedAt;
      const json = JSON.stringify(status);
      const before = this.known.get(app);
      if (before === json) continue;
      this.known.set(app, json);
      if (!this.primed) continue;
      const previous = before === undefined ? undefined : (JSON.parse(before) as AppStatus);
      for (const event of relayedEvents(app, previous, status)) this.options.events.emit(event);
    }
    this.primed = true;
  }
}

/** The status events, and `sync.finished` when the status names a newer finished run. */
export function relayedEvents(app: string, before: AppStatus | undefined, after: AppStatus): DroverEvent[] {
  const events = statusEvents(app, before, after);
  const run = after.lastSync;
  if (run?.id !== undefined && run.id !== before?.lastSync?.id) {
    const { id, result, message } = run;
    events.unshift({ type: 'sync.finished', app, run: id, result, ...(message ? { message } : {}) });
  }
  return events;
}
