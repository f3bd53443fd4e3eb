import type { DB } from './db.js';

/** What Drover applied for one job, and the JobModifyIndex Nomad gave it. */
export type AppliedJob = {
  app: string;
  namespace: string;
  jobId: string;
  revision: string;
  contentHash: string;
  jobModifyIndex: number;
};

/** Records (or replaces) what was applied for a job. */
export function recordAppliedJob(db: DB, job: AppliedJob): void {
  db.prepare(
    `INSERT INTO applied_jobs (app, namespace, job_id, revision, content_hash, job_modify_index) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(app, namespace, job_id) DO UPDATE SET revision = excluded.revision,
      content_hash = excluded.content_hash, job_modify_index = excluded.job_modify_index`,
  ).run(job.app, job.namespace, job.jobId, job.revision, job.contentHash, job.jobModifyIndex);
}

/** Forgets jobs of an app that are no longer applied. */
export function forgetAppliedJobs(db: DB, app: string, keep: Array<{ namespace: string; jobId: string }>): void {
  const keys = new Set(keep.map((k) => `${k.namespace}/${k.jobId}`));
  const remove = db.prepare('DELETE FROM applied_jobs WHERE app = ? AND namespace = ? AND job_id = ?');
  for (const job of listAppliedJobs(db, app))
    if (!keys.has(`${job.namespace}/${job.jobId}`)) remove.run(app, job.namespace, job.jobId);
}

/** What was applied for each job of an app. */
export function listAppliedJobs(db: DB, app: string): AppliedJob[] {
  const rows = db
    .prepare(
      'SELECT namespace, job_id, revision, content_hash, job_modify_index FROM applied_jobs WHERE app = ? ORDER BY namespace, job_id',
    )
    .all(app) as Array<{
    namespace: string;
    job_id: string;
    revision: string;
    content_hash: string;
    job_modify_index: number;
  }>;
  return rows.map((row) => ({
    app,
    namespace: row.namespace,
    jobId: row.job_id,
    revision: row.revision,
    contentHash: row.content_hash,
    jobModifyIndex: row.job_modify_index,
  }));
}
