import type { DB } from './db.js';

/** A browser session as stored: keyed by the SHA-256 of the cookie's random ID. */
export type SessionRecord = {
  idHash: string;
  csrfToken: string;
  /** The signed-in identity, as JSON the server layer reads back. */
  principal: unknown;
  /** The token signed in with, if any: its revocation or expiry ends the session. */
  tokenId?: string;
  createdAt: string;
  expiresAt: string;
};

export type SessionRow = { id_hash: string; csrf_token: string; principal_json: string; token_id: string | null } & {
  created_at: string;
  expires_at: string;
};

/** A new session's columns, in the order both stores' INSERT names them. */
export function sessionValues(session: SessionRecord): Array<string | null> {
  const { idHash, csrfToken, principal, tokenId, createdAt, expiresAt } = session;
  return [idHash, csrfToken, JSON.stringify(principal), tokenId ?? null, createdAt, expiresAt];
}

/** Adds a session, dropping the expired ones on the way. */
export function insertSession(db: DB, session: SessionRecord): void {
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(session.createdAt);
  db.prepare(
    `INSERT INTO sessions (id_hash, csrf_token, principal_json, token_id, created_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(...sessionValues(session));
}

/** A session that has not expired at `now`. */
export function getSession(db: DB, idHash: string, now: string): SessionRecord | undefined {
  const row = db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now) as
    SessionRow | undefined;
  return row ? sessionFromRow(row) : undefined;
}

/** A sessions row (SQLite or PostgreSQL, same columns) as a record. */
export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    csrfToken: row.csrf_token,
    principal: JSON.parse(row.principal_json) as unknown,
    ...(row.token_id ? { tokenId: row.token_id } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Ends a session; returns whether there was one. */
export function deleteSession(db: DB, idHash: string): boolean {
  return db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash).changes > 0;
}
