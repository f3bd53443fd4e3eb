import type { DB } from './db.js';

/** An API token as stored: never the secret, only its SHA-256. */
export type TokenRecord = {
  id: string;
  name: string;
  role: string;
  apps: string[];
  secretHash: string;
  createdAt: string;
  createdBy?: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
};

export type TokenRow = Record<string, string | null>;
type Row = TokenRow;

/** A new token's columns, in the order both stores' INSERT names them. */
export function tokenValues(token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): Array<string | null> {
  const { id, name, role, apps, secretHash, createdAt, createdBy, expiresAt } = token;
  return [id, name, role, JSON.stringify(apps), secretHash, createdAt, createdBy ?? null, expiresAt ?? null];
}

/** Adds a token. */
export function insertToken(db: DB, token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): void {
  db.prepare(
    `INSERT INTO api_tokens (id, name, role, apps_json, secret_hash, created_at, created_by, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...tokenValues(token));
}

/** One token by public ID, revoked or not. */
export function getToken(db: DB, id: string): TokenRecord | undefined {
  const row = db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
  return row ? tokenFromRow(row) : undefined;
}

/** Every token, newest first. */
export function listTokens(db: DB): TokenRecord[] {
  return (db.prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, id').all() as Row[]).map(tokenFromRow);
}

/** Marks a token revoked and ends its sessions; returns false when there is no such token or it was already revoked. */
export function revokeToken(db: DB, id: string, at: string): boolean {
  return db.transaction(() => {
    const changed = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
    db.prepare('DELETE FROM sessions WHERE token_id = ?').run(id);
    return changed.changes > 0;
  })();
}

/** Records when a token was last used (the caller limits how often). */
export function touchToken(db: DB, id: string, at: string): void {
  db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
}

/** An api_tokens row (SQLite or PostgreSQL, same columns) as a record. */
export function tokenFromRow(row: Row): TokenRecord {
  const opt = (v: string | null) => v ?? undefined;
  return {
    id: String(row.id),
    name: String(row.name),
    role: String(row.role),
    apps: JSON.parse(String(row.apps_json)) as string[],
    secretHash: String(row.secret_hash),
    createdAt: String(row.created_at),
    createdBy: opt(row.created_by!),
    expiresAt: opt(row.expires_at!),
    revokedAt: opt(row.revoked_at!),
    lastUsedAt: opt(row.last_used_at!),
  };
}
