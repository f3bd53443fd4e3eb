import type { DB } from './db.js';

/** Writes and reads back one row; throws when the store cannot do either (readiness). */
export function probeStore(db: DB, at: string): void {
  db.prepare('INSERT INTO readiness_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(
    at,
  );
  const row = db.prepare('SELECT at FROM readiness_probe WHERE id = 1').get() as { at: string } | undefined;
  if (row?.at !== at) throw new Error('the probe row did not read back');
}
