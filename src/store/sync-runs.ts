import type { DB } from './db.js';

import type { JobAction, SyncResult, SyncRun } from '../domain/sync-run.js';

export type { JobAction, SyncResult, SyncRun } from '../domain/sync-run.js';

export type SyncRunRow = Record<string, string | number | null | undefined>;
type Row = SyncRunRow;

/** Records the start of a sync run (result Running), so a crash leaves a visible trace. */
export function startSyncRun(db: DB, run: Omit<SyncRun, 'result' | 'jobs' | 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO sync_runs (app, trigger, revision, author, committer, subject, commit_date,
      started_at, finished_at, result, message, jobs_json, requested_by)
    VALUES (@app, @trigger, @revision, @author, @committer, @subject, @commitDate, @startedAt, @startedAt, 'Running', NULL, '[]',
      @requestedBy)`,
    )
    .run({
      app: run.app,
      trigger: run.trigger,
      revision: run.revision,
      author: run.author ?? null,
      committer: run.committer ?? null,
      subject: run.subject ?? null,
      commitDate: run.commitDate ?? null,
      startedAt: run.startedAt,
      requestedBy: run.requestedBy ?? null,
    });
  return Number(info.lastInsertRowid);
}

/**
 * Appends one job's action to a running run as soon as it is known, so a run cut short by a
 * crash still lists every write it made. finishSyncRun then replaces the list with the final one.
 */
export function appendRunAction(db: DB, id: number, action: JobAction): void {
  db.prepare(
    "UPDATE sync_runs SET jobs_json = json_insert(jobs_json, '$[#]', json(?)) WHERE id = ? AND result = 'Running'",
  ).run(JSON.stringify(action), id);
}

/** Records how a run ended. */
export function finishSyncRun(
  db: DB,
  id: number,
  end: { result: SyncResult; finishedAt: string; durationMs: number; message?: string; jobs: JobAction[] },
): void {
  db.prepare(
    'UPDATE sync_runs SET result = ?, finished_at = ?, duration_ms = ?, message = ?, jobs_json = ? WHERE id = ?',
  ).run(end.result, end.finishedAt, end.durationMs, end.message ?? null, JSON.stringify(end.jobs), id);
}

/**
 * Records which deployment each write of a run started: a deployment belongs to the write
 * whose JobModifyIndex it was created for. Returns how many actions were filled in.
 */
export function attachDeployments(
  db: DB,
  runId: number,
  deployments: Array<{ namespace: string; id: string; deploymentId: string; jobSpecModifyIndex: number }>,
): number {
  const row = db.prepare('SELECT jobs_json FROM sync_runs WHERE id = ?').get(runId) as
    { jobs_json: string } | undefined;
  if (!row) return 0;
  const jobs = JSON.parse(row.jobs_json) as JobAction[];
  let filled = 0;
  for (const action of jobs) {
    if (action.deploymentId || action.jobModifyIndex === undefined || action.result !== 'ok') continue;
    const match = deployments.find(
      (d) => d.namespace === action.namespace && d.id === action.id && d.jobSpecModifyIndex === action.jobModifyIndex,
    );
    if (match) {
      action.deploymentId = match.deploymentId;
      filled++;
    }
  }
  if (filled > 0) db.prepare('UPDATE sync_runs SET jobs_json = ? WHERE id = ?').run(JSON.stringify(jobs), runId);
  return filled;
}

/** Marks runs left Running by a process that stopped mid-sync; returns how many. */
export function markInterruptedRuns(
  db: DB,
  at: string,
  message = 'Drover stopped while this sync ran; the next reconcile re-derived the state from git and the cluster',
): number {
  return db
    .prepare("UPDATE sync_runs SET result = 'Interrupted', finished_at = ?, message = ? WHERE result = 'Running'")
    .run(at, message).changes;
}

/** Keeps the newest `keep` runs of an app. */
export function trimSyncRuns(db: DB, app: string, keep: number): void {
  db.prepare(
    'DELETE FROM sync_runs WHERE app = ? AND id NOT IN (SELECT id FROM sync_runs WHERE app = ? ORDER BY id DESC LIMIT ?)',
  ).run(app, app, keep);
}

/** An app's sync runs, newest first. */
export function listSyncRuns(db: DB, app: string, limit = 50): SyncRun[] {
  const rows = db.prepare('SELECT * FROM sync_runs WHERE app = ? ORDER BY id DESC LIMIT ?').all(app, limit) as Row[];
  return rows.map((row) => syncRunFromRow(row, String(row.jobs_json)));
}

/** One run by id, if it belongs to the app. */
export function getSyncRun(db: DB, app: string, id: number): SyncRun | undefined {
  const row = db.prepare('SELECT * FROM sync_runs WHERE app = ? AND id = ?').get(app, id) as Row | undefined;
  return row ? syncRunFromRow(row, String(row.jobs_json)) : undefined;
}

/** A sync_runs row (SQLite or PostgreSQL, same columns) as a run; `jobs` is the row's JSON list of actions. */
export function syncRunFromRow(row: Row, jobs: string): SyncRun {
  const opt = (value: string | number | null | undefined) =>
    value === null || value === undefined ? undefined : String(value);
  return {
    id: Number(row.id),
    app: String(row.app),
    trigger: String(row.trigger),
    ...(row.requested_by ? { requestedBy: String(row.requested_by) } : {}),
    revision: String(row.revision),
    author: opt(row.author),
    committer: opt(row.committer),
    subject: opt(row.subject),
    commitDate: opt(row.commit_date),
    startedAt: String(row.started_at),
    finishedAt: row.result === 'Running' ? undefined : String(row.finished_at),
    durationMs: row.duration_ms === null || row.duration_ms === undefined ? undefined : Number(row.duration_ms),
    result: row.result as SyncResult,
    message: opt(row.message),
    jobs: JSON.parse(jobs) as SyncRun['jobs'],
  };
}
