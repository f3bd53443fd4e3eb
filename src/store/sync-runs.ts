import type { DB } from './db.js';

export type JobAction = {
  id: string;
  namespace: string;
  action: 'create' | 'update' | 'prune' | 'unchanged';
  result: 'ok' | 'failed';
  evalId?: string;
  message?: string;
};

export type SyncRun = {
  id?: number;
  app: string;
  trigger: string;
  revision: string;
  author?: string;
  subject?: string;
  commitDate?: string;
  startedAt: string;
  finishedAt: string;
  result: 'Succeeded' | 'Failed';
  message?: string;
  jobs: JobAction[];
};

/** Appends a sync run to history and returns its id. */
export function insertSyncRun(db: DB, run: SyncRun): number {
  const info = db.prepare(`INSERT INTO sync_runs (app, trigger, revision, author, subject, commit_date, started_at, finished_at, result, message, jobs_json)
    VALUES (@app, @trigger, @revision, @author, @subject, @commitDate, @startedAt, @finishedAt, @result, @message, @jobs)`)
    .run({ ...run, author: run.author ?? null, subject: run.subject ?? null, commitDate: run.commitDate ?? null, message: run.message ?? null, jobs: JSON.stringify(run.jobs) });
  return Number(info.lastInsertRowid);
}

/** An app's sync runs, newest first. */
export function listSyncRuns(db: DB, app: string, limit = 50): SyncRun[] {
  const rows = db.prepare('SELECT * FROM sync_runs WHERE app = ? ORDER BY id DESC LIMIT ?').all(app, limit) as Array<Record<string, string | number | null>>;
  return rows.map((row) => ({
    id: Number(row.id),
    app: String(row.app),
    trigger: String(row.trigger),
    revision: String(row.revision),
    author: row.author === null ? undefined : String(row.author),
    subject: row.subject === null ? undefined : String(row.subject),
    commitDate: row.commit_date === null ? undefined : String(row.commit_date),
    startedAt: String(row.started_at),
    finishedAt: String(row.finished_at),
    result: row.result as SyncRun['result'],
    message: row.message === null ? undefined : String(row.message),
    jobs: JSON.parse(String(row.jobs_json)) as JobAction[],
  }));
}
