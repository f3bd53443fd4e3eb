import type pg from 'pg';
import { auditFromRow, type AuditEntry, type AuditQuery, type AuditRow } from '../audit.js';
import { sessionFromRow, sessionValues, type SessionRecord, type SessionRow } from '../sessions.js';
import { tokenFromRow, tokenValues, type TokenRecord, type TokenRow } from '../tokens.js';

/** Adds a token. */
export async function insertToken(pool: pg.Pool, token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void> {
  await pool.query(
    `INSERT INTO api_tokens (id, name, role, apps_json, secret_hash, created_at, created_by, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    tokenValues(token),
  );
}

/** One token by public ID. */
export async function getToken(pool: pg.Pool, id: string): Promise<TokenRecord | undefined> {
  const { rows } = await pool.query<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
  return rows[0] ? tokenFromRow(rows[0]) : undefined;
}

/** Every token, newest first. */
export async function listTokens(pool: pg.Pool): Promise<TokenRecord[]> {
  const { rows } = await pool.query<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at DESC, id');
  return rows.map(tokenFromRow);
}

/** Revokes a token and ends its sessions in one transaction. */
export async function revokeToken(pool: pg.Pool, id: string, at: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const changed = await client.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      at,
      id,
    ]);
    await client.query('DELETE FROM sessions WHERE token_id = $1', [id]);
    await client.query('COMMIT');
    return (changed.rowCount ?? 0) > 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Records when a token was last used. */
export async function touchToken(pool: pg.Pool, id: string, at: string): Promise<void> {
  await pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
}

/** Adds a session, dropping the expired ones on the way. */
export async function insertSession(pool: pg.Pool, session: SessionRecord): Promise<void> {
  await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [session.createdAt]);
  await pool.query(
    `INSERT INTO sessions (id_hash, csrf_token, principal_json, token_id, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6)`,
    sessionValues(session),
  );
}

/** A session that has not expired at `now`. */
export async function getSession(pool: pg.Pool, idHash: string, now: string): Promise<SessionRecord | undefined> {
  const { rows } = await pool.query<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [
    idHash,
    now,
  ]);
  return rows[0] ? sessionFromRow(rows[0]) : undefined;
}

/** Ends a session. */
export async function deleteSession(pool: pg.Pool, idHash: string): Promise<boolean> {
  return ((await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])).rowCount ?? 0) > 0;
}

/** Appends an audit entry. */
export async function recordAudit(pool: pg.Pool, entry: AuditEntry): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO audit (at, actor_kind, actor_id, actor_name, actor_email, action, app, target, address, outcome,
    status, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      entry.at,
      entry.actor.kind,
      entry.actor.id ?? null,
      entry.actor.name ?? null,
      entry.actor.email ?? null,
      entry.action,
      entry.app ?? null,
      entry.target ?? null,
      entry.address ?? null,
      entry.outcome,
      entry.status,
      entry.message ?? null,
    ],
  );
  return Number(rows[0]!.id);
}

/** Entries newest first, optionally for one app or actor, before an entry ID. */
export async function listAudit(pool: pg.Pool, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (clause: string, value: string | number) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (query.app !== undefined) add('app = ?', query.app);
  if (query.actor !== undefined) add('actor_id = ?', query.actor);
  if (query.before !== undefined) add('id < ?', query.before);
  params.push(query.limit ?? 100);
  const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
  const { rows } = await pool.query<AuditRow>(sql, params);
  return rows.map(auditFromRow);
}
