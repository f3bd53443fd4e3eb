import type { DB } from './db.js';

/** One state-changing request, as the audit log keeps it. */
export type AuditEntry = {
  id?: number;
  at: string;
  actor: { kind: string; id?: string; name?: string; email?: string };
  /** What was asked, e.g. `app.sync` or `token.create`. */
  action: string;
  app?: string;
  /** Another object acted on, e.g. the token ID of `token.revoke`. */
  target?: string;
  /** The caller's network address. */
  address?: string;
  outcome: 'success' | 'denied' | 'failure';
  /** The HTTP status answered. */
  status: number;
  message?: string;
};

export type AuditQuery = { app?: string; actor?: string; limit?: number; before?: number };

export type AuditRow = Record<string, string | number | null>;
type Row = AuditRow;

/** Appends an entry. */
export function recordAudit(db: DB, entry: AuditEntry): number {
  const info = db
    .prepare(
      `INSERT INTO audit (at, actor_kind, actor_id, actor_name, actor_email, action, app, target, address, outcome,
      status, message) VALUES (@at, @kind, @actorId, @name, @email, @action, @app, @target, @address, @outcome,
      @status, @message)`,
    )
    .run({
      at: entry.at,
      kind: entry.actor.kind,
      actorId: entry.actor.id ?? null,
      name: entry.actor.name ?? null,
      email: entry.actor.email ?? null,
      action: entry.action,
      app: entry.app ?? null,
      target: entry.target ?? null,
      address: entry.address ?? null,
      outcome: entry.outcome,
      status: entry.status,
      message: entry.message ?? null,
    });
  return Number(info.lastInsertRowid);
}

/** Entries newest first, optionally for one app and before an entry ID (for paging). */
export function listAudit(db: DB, query: AuditQuery = {}): AuditEntry[] {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (query.app !== undefined) {
    where.push('app = ?');
    params.push(query.app);
  }
  if (query.actor !== undefined) {
    where.push('actor_id = ?');
    params.push(query.actor);
  }
  if (query.before !== undefined) {
    where.push('id < ?');
    params.push(query.before);
  }
  const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, query.limit ?? 100) as Row[];
  return rows.map(auditFromRow);
}

/** An audit row (SQLite or PostgreSQL, same columns) as an entry. */
export function auditFromRow(row: Row): AuditEntry {
  const opt = (v: string | number | null) => (v === null ? undefined : String(v));
  return {
    id: Number(row.id),
    at: String(row.at),
    actor: {
      kind: String(row.actor_kind),
      id: opt(row.actor_id!),
      name: opt(row.actor_name!),
      email: opt(row.actor_email!),
    },
    action: String(row.action),
    app: opt(row.app!),
    target: opt(row.target!),
    address: opt(row.address!),
    outcome: row.outcome as AuditEntry['outcome'],
    status: Number(row.status),
    message: opt(row.message!),
  };
}
