import type { Hono } from 'hono';
import { appProject, type AppSpec } from '../domain/app.js';
import type { Clock } from '../domain/clock.js';
import type { SyncWindow } from '../domain/sync-window.js';
import { windowViews } from '../reconcile/windows.js';
import { inScope, requireRole, type AuthEnv } from './auth/principal.js';

export type SyncWindowsDeps = {
  windows: readonly SyncWindow[];
  clock: Clock;
  /** The apps there are now (configured and generated). */
  apps: () => readonly AppSpec[];
};

/** `GET /api/v1/sync-windows`: every window, active or not now, and the apps in the caller's scope it names. */
export function registerSyncWindows(api: Hono<AuthEnv>, deps: SyncWindowsDeps): void {
  api.get('/api/v1/sync-windows', requireRole('viewer'), (c) => {
    const now = deps.clock.now();
    const visible = deps
      .apps()
      .filter((spec) => inScope(c.get('principal'), spec.name, appProject(spec)))
      .map((spec) => spec.name);
    return c.json({ now: new Date(now).toISOString(), windows: windowViews(deps.windows, visible, now) });
  });
}
