import type pg from 'pg';
import type { AppStatus, Pin } from '../../domain/app.js';
import type { AppliedJob } from '../applied-jobs.js';
import type { AuditEntry, AuditQuery } from '../audit.js';
import type { SessionRecord } from '../sessions.js';
import type { TokenRecord } from '../tokens.js';
import * as auth from './auth.js';
import type { DeploymentLink, SavedAppStatus, Store, SyncRunEnd } from '../store.js';
import { syncRunFromRow, type JobAction, type SyncRun } from '../sync-runs.js';
import { openPostgres } from './db.js';

const INTERRUPTED =
  'Drover stopped while this sync ran; the next reconcile re-derived the state from git and the cluster';

/** The store on PostgreSQL, shared by every HA instance. Same answers as SQLite (the contract suite checks). */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and migrates. `url` comes from the environment variable the config names; it is not kept. */
  static async open(url: string): Promise<PostgresStore> {
    return new PostgresStore(await openPostgres(url));
  }

  async saveAppStatus(app: string, status: AppStatus, now = new Date()): Promise<boolean> {
    const previous = await this.getAppStatus(app);
    const bare = (s: AppStatus) => JSON.stringify({ ...s, observedAt: undefined });
    if (previous && bare(previous) === bare(status)) return false;
    await this.pool.query(
      `INSERT INTO app_status (app, status_json, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (app) DO UPDATE SET status_json = excluded.status_json, updated_at = excluded.updated_at`,
      [app, JSON.stringify(status), now.toISOString()],
    );
    return true;
  }

  async getAppStatus(app: string): Promise<AppStatus | undefined> {
    const { rows } = await this.pool.query<{ s: string }>('SELECT status_json AS s FROM app_status WHERE app = $1', [
      app,
    ]);
    return rows[0] ? (JSON.parse(rows[0].s) as AppStatus) : undefined;
  }

  async listAppStatusesSince(since?: string): Promise<SavedAppStatus[]> {
    const { rows } = await this.pool.query<{ app: string; s: string; at: string }>(
      'SELECT app, status_json AS s, updated_at AS at FROM app_status WHERE updated_at > $1 ORDER BY updated_at, app',
      [since ?? ''],
    );
    return rows.map((r) => ({ app: r.app, status: JSON.parse(r.s) as AppStatus, updatedAt: r.at }));
  }

  async recordAppliedJob(job: AppliedJob): Promise<void> {
    await this.pool.query(
      `INSERT INTO applied_jobs (app, namespace, job_id, revision, content_hash, job_modify_index)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (app, namespace, job_id) DO UPDATE SET revision = excluded.revision,
        content_hash = excluded.content_hash, job_modify_index = excluded.job_modify_index`,
      [job.app, job.namespace, job.jobId, job.revision, job.contentHash, job.jobModifyIndex],
    );
  }

  async forgetAppliedJobs(app: string, keep: Array<{ namespace: string; jobId: string }>): Promise<void> {
    const keys = keep.map((k) => `${k.namespace}/${k.jobId}`);
    await this.pool.query(
      "DELETE FROM applied_jobs WHERE app = $1 AND NOT (namespace || '/' || job_id = ANY($2::text[]))",
      [app, keys],
    );
  }

  async listAppliedJobs(app: string): Promise<AppliedJob[]> {
    const { rows } = await this.pool.query<Record<string, string>>(
      `SELECT namespace, job_id, revision, content_hash, job_modify_index FROM applied_jobs
      WHERE app = $1 ORDER BY namespace, job_id`,
      [app],
    );
    return rows.map((row) => ({
      app,
      namespace: row.namespace!,
      jobId: row.job_id!,
      revision: row.revision!,
      contentHash: row.content_hash!,
      jobModifyIndex: Number(row.job_modify_index),
    }));
  }

  async setPin(app: string, pin: Pin): Promise<void> {
    await this.pool.query(
      `INSERT INTO app_pins (app, revision, reason, created_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (app) DO UPDATE SET revision = excluded.revision, reason = excluded.reason,
        created_at = excluded.created_at`,
      [app, pin.revision, pin.reason, pin.at],
    );
  }

  async getPin(app: string): Promise<Pin | undefined> {
    const { rows } = await this.pool.query<{ revision: string; reason: string; created_at: string }>(
      'SELECT revision, reason, created_at FROM app_pins WHERE app = $1',
      [app],
    );
    return rows[0] ? { revision: rows[0].revision, reason: rows[0].reason, at: rows[0].created_at } : undefined;
  }

  async clearPin(app: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM app_pins WHERE app = $1', [app])).rowCount ?? 0) > 0;
  }

  async startSyncRun(run: Omit<SyncRun, 'result' | 'jobs' | 'id'>): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO sync_runs (app, trigger, revision, author, committer, subject, commit_date,
        started_at, finished_at, result, message, jobs_json, requested_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'Running', NULL, '[]', $9) RETURNING id`,
      [
        run.app,
        run.trigger,
        run.revision,
        run.author,
        run.committer,
        run.subject,
        run.commitDate,
        run.startedAt,
        run.requestedBy,
      ].map((v) => v ?? null),
    );
    return Number(rows[0]!.id);
  }

  async appendRunAction(id: number, action: JobAction): Promise<void> {
    await this.pool.query(
      "UPDATE sync_runs SET jobs_json = jobs_json || jsonb_build_array($1::jsonb) WHERE id = $2 AND result = 'Running'",
      [JSON.stringify(action), id],
    );
  }

  async finishSyncRun(id: number, end: SyncRunEnd): Promise<void> {
    await this.pool.query(
      'UPDATE sync_runs SET result = $1, finished_at = $2, duration_ms = $3, message = $4, jobs_json = $5 WHERE id = $6',
      [end.result, end.finishedAt, end.durationMs, end.message ?? null, JSON.stringify(end.jobs), id],
    );
  }

  async attachDeployments(runId: number, deployments: DeploymentLink[]): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ jobs: string }>(
        'SELECT jobs_json::text AS jobs FROM sync_runs WHERE id = $1 FOR UPDATE',
        [runId],
      );
      const jobs = rows[0] ? (JSON.parse(rows[0].jobs) as JobAction[]) : [];
      const filled = fillDeployments(jobs, deployments);
      if (filled > 0)
        await client.query('UPDATE sync_runs SET jobs_json = $1 WHERE id = $2', [JSON.stringify(jobs), runId]);
      await client.query('COMMIT');
      return filled;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async markInterruptedRuns(at: string, message = INTERRUPTED): Promise<number> {
    const result = await this.pool.query(
      "UPDATE sync_runs SET result = 'Interrupted', finished_at = $1, message = $2 WHERE result = 'Running'",
      [at, message],
    );
    return result.rowCount ?? 0;
  }

  async trimSyncRuns(app: string, keep: number): Promise<void> {
    await this.pool.query(
      'DELETE FROM sync_runs WHERE app = $1 AND id NOT IN (SELECT id FROM sync_runs WHERE app = $1 ORDER BY id DESC LIMIT $2)',
      [app, keep],
    );
  }

  async listSyncRuns(app: string, limit = 50): Promise<SyncRun[]> {
    const { rows } = await this.pool.query<Row>(`${SELECT_RUN} WHERE app = $1 ORDER BY id DESC LIMIT $2`, [app, limit]);
    return rows.map(toRun);
  }

  async getSyncRun(app: string, id: number): Promise<SyncRun | undefined> {
    const { rows } = await this.pool.query<Row>(`${SELECT_RUN} WHERE app = $1 AND id = $2`, [app, id]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  insertToken(token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void> {
    return auth.insertToken(this.pool, token);
  }
  getToken(id: string): Promise<TokenRecord | undefined> {
    return auth.getToken(this.pool, id);
  }
  listTokens(): Promise<TokenRecord[]> {
    return auth.listTokens(this.pool);
  }
  revokeToken(id: string, at: string): Promise<boolean> {
    return auth.revokeToken(this.pool, id, at);
  }
  touchToken(id: string, at: string): Promise<void> {
    return auth.touchToken(this.pool, id, at);
  }
  insertSession(session: SessionRecord): Promise<void> {
    return auth.insertSession(this.pool, session);
  }
  getSession(idHash: string, now: string): Promise<SessionRecord | undefined> {
    return auth.getSession(this.pool, idHash, now);
  }
  deleteSession(idHash: string): Promise<boolean> {
    return auth.deleteSession(this.pool, idHash);
  }
  recordAudit(entry: AuditEntry): Promise<number> {
    return auth.recordAudit(this.pool, entry);
  }
  listAudit(query?: AuditQuery): Promise<AuditEntry[]> {
    return auth.listAudit(this.pool, query);
  }

  /** A round trip through the shared database: the probe row written and read back in one transaction. */
  async probe(at: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'INSERT INTO readiness_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
        [at],
      );
      const { rows } = await client.query<{ at: string }>('SELECT at FROM readiness_probe WHERE id = 1');
      await client.query('COMMIT');
      if (rows[0]?.at !== at) throw new Error('the probe row did not read back');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const SELECT_RUN = `SELECT id, app, trigger, requested_by, revision, author, committer, subject, commit_date,
  started_at, finished_at, duration_ms, result, message, jobs_json::text AS jobs FROM sync_runs`;

type Row = Record<string, string | number | null>;

/** A deployment belongs to the write whose JobModifyIndex it was created for. */
function fillDeployments(jobs: JobAction[], deployments: DeploymentLink[]): number {
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
  return filled;
}

/** Same columns as SQLite's sync_runs, with the actions in `jobs`. */
function toRun(row: Row): SyncRun {
  return syncRunFromRow(row, String(row.jobs));
}
