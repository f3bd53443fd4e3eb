import type { AppStatus, Condition } from '../domain/app.js';
import type { JobAction } from '../store/sync-runs.js';

/**
 * What happens to apps, as the live event stream (`GET /api/v1/events`) shows it. Every event
 * names its app, so each caller sees only the apps in its scope.
 */
export type DroverEvent =
  | { type: 'app.status'; app: string; status: Pick<AppStatus, 'sync' | 'health' | 'pin'> }
  | { type: 'app.conditions'; app: string; conditions: Condition[] }
  | { type: 'sync.started'; app: string; run: number; revision: string; trigger: string }
  | { type: 'sync.job'; app: string; run: number; action: JobAction }
  | { type: 'sync.finished'; app: string; run: number; result: 'Succeeded' | 'Failed'; message?: string };

/** Where the controller publishes events; the server's event hub implements it. */
export interface EventSink {
  emit(event: DroverEvent): void;
}

export const noEvents: EventSink = { emit: () => undefined };

/** The events an app's status change makes: its sync/health/pin, and its conditions, each only when it moved. */
export function statusEvents(app: string, before: AppStatus | undefined, after: AppStatus): DroverEvent[] {
  const events: DroverEvent[] = [];
  const summary = (s: AppStatus | undefined) =>
    s && JSON.stringify({ sync: { ...s.sync, contentDigest: undefined }, health: s.health, pin: s.pin });
  if (summary(before) !== summary(after)) {
    const { contentDigest: _digest, ...sync } = after.sync;
    events.push({
      type: 'app.status',
      app,
      status: { sync, health: after.health, ...(after.pin ? { pin: after.pin } : {}) },
    });
  }
  if (JSON.stringify(before?.conditions ?? []) !== JSON.stringify(after.conditions)) {
    events.push({ type: 'app.conditions', app, conditions: after.conditions });
  }
  return events;
}
