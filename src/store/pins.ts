import type { Pin } from '../domain/app.js';
import type { DB } from './db.js';

/** Pins an app to a revision (a rollback), replacing any earlier pin. */
export function setPin(db: DB, app: string, pin: Pin): void {
  db.prepare(
    `INSERT INTO app_pins (app, revision, reason, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(app) DO UPDATE SET revision = excluded.revision, reason = excluded.reason, created_at = excluded.created_at`,
  ).run(app, pin.revision, pin.reason, pin.at);
}

export function getPin(db: DB, app: string): Pin | undefined {
  const row = db.prepare('SELECT revision, reason, created_at FROM app_pins WHERE app = ?').get(app) as
    { revision: string; reason: string; created_at: string } | undefined;
  return row ? { revision: row.revision, reason: row.reason, at: row.created_at } : undefined;
}

/** Removes the pin; returns whether there was one. */
export function clearPin(db: DB, app: string): boolean {
  return db.prepare('DELETE FROM app_pins WHERE app = ?').run(app).changes > 0;
}
