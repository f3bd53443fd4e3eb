import type { AppStatus } from '../domain/app.js';
import type { DB } from './db.js';
import type { SavedAppStatus } from './store.js';

/**
 * Saves an app's status; returns false (and writes nothing) when only `observedAt` changed,
 * so a no-change refresh costs no write.
 */
export function saveAppStatus(db: DB, app: string, status: AppStatus, now = new Date()): boolean {
  const previous = getAppStatus(db, app);
  if (
    previous &&
    JSON.stringify({ ...previous, observedAt: undefined }) === JSON.stringify({ ...status, observedAt: undefined })
  )
    return false;
  db.prepare(
    `INSERT INTO app_status (app, status_json, updated_at) VALUES (?, ?, ?)
    ON CONFLICT(app) DO UPDATE SET status_json = excluded.status_json, updated_at = excluded.updated_at`,
  ).run(app, JSON.stringify(status), now.toISOString());
  return true;
}

/** The last saved status of an app, if any. */
export function getAppStatus(db: DB, app: string): AppStatus | undefined {
  const row = db.prepare('SELECT status_json FROM app_status WHERE app = ?').get(app) as
    { status_json: string } | undefined;
  return row ? (JSON.parse(row.status_json) as AppStatus) : undefined;
}

/** Statuses saved after `since` (all without it), oldest first. */
export function listAppStatusesSince(db: DB, since?: string): SavedAppStatus[] {
  const rows = db
    .prepare('SELECT app, status_json, updated_at FROM app_status WHERE updated_at > ? ORDER BY updated_at, app')
    .all(since ?? '') as Array<{ app: string; status_json: string; updated_at: string }>;
  return rows.map((r) => ({ app: r.app, status: JSON.parse(r.status_json) as AppStatus, updatedAt: r.updated_at }));
}
