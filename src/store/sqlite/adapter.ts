import type { AppStatus, Pin } from '../../domain/app.js';
import { getAppStatus, listAppStatusesSince, saveAppStatus } from '../app-status.js';
import { forgetAppliedJobs, listAppliedJobs, recordAppliedJob, type AppliedJob } from '../applied-jobs.js';
import { openDatabase, type DB } from '../db.js';
import { listAudit, recordAudit, type AuditEntry, type AuditQuery } from '../audit.js';
import { clearPin, getPin, setPin } from '../pins.js';
import { probeStore } from '../probe.js';
import { deleteSession, getSession, insertSession, type SessionRecord } from '../sessions.js';
import { getToken, insertToken, listTokens, revokeToken, touchToken, type TokenRecord } from '../tokens.js';
import type { DeploymentLink, SavedAppStatus, Store, SyncRunEnd } from '../store.js';
import {
  appendRunAction,
  attachDeployments,
  finishSyncRun,
  getSyncRun,
  listSyncRuns,
  markInterruptedRuns,
  startSyncRun,
  trimSyncRuns,
  type JobAction,
  type SyncRun,
} from '../sync-runs.js';

/**
 * The synchronous SQLite operations (one function per operation, each tested on its own) presented
 * through the async Store interface, so both stores pass one contract suite and callers see only Store.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;

  constructor(readonly db: DB) {}

  static open(file: string): SqliteStore {
    return new SqliteStore(openDatabase(file));
  }

  async saveAppStatus(app: string, status: AppStatus, now?: Date): Promise<boolean> {
    return saveAppStatus(this.db, app, status, now);
  }
  async getAppStatus(app: string): Promise<AppStatus | undefined> {
    return getAppStatus(this.db, app);
  }
  async listAppStatusesSince(since?: string): Promise<SavedAppStatus[]> {
    return listAppStatusesSince(this.db, since);
  }
  async recordAppliedJob(job: AppliedJob): Promise<void> {
    recordAppliedJob(this.db, job);
  }
  async forgetAppliedJobs(app: string, keep: Array<{ namespace: string; jobId: string }>): Promise<void> {
    forgetAppliedJobs(this.db, app, keep);
  }
  async listAppliedJobs(app: string): Promise<AppliedJob[]> {
    return listAppliedJobs(this.db, app);
  }
  async setPin(app: string, pin: Pin): Promise<void> {
    setPin(this.db, app, pin);
  }
  async getPin(app: string): Promise<Pin | undefined> {
    return getPin(this.db, app);
  }
  async clearPin(app: string): Promise<boolean> {
    return clearPin(this.db, app);
  }
  async appendRunAction(id: number, action: JobAction): Promise<void> {
    appendRunAction(this.db, id, action);
  }
  async startSyncRun(run: Omit<SyncRun, 'result' | 'jobs' | 'id'>): Promise<number> {
    return startSyncRun(this.db, run);
  }
  async finishSyncRun(id: number, end: SyncRunEnd): Promise<void> {
    finishSyncRun(this.db, id, end);
  }
  async attachDeployments(runId: number, deployments: DeploymentLink[]): Promise<number> {
    return attachDeployments(this.db, runId, deployments);
  }
  async markInterruptedRuns(at: string, message?: string): Promise<number> {
    return markInterruptedRuns(this.db, at, message);
  }
  async trimSyncRuns(app: string, keep: number): Promise<void> {
    trimSyncRuns(this.db, app, keep);
  }
  async listSyncRuns(app: string, limit?: number): Promise<SyncRun[]> {
    return listSyncRuns(this.db, app, limit);
  }
  async getSyncRun(app: string, id: number): Promise<SyncRun | undefined> {
    return getSyncRun(this.db, app, id);
  }
  async insertToken(token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void> {
    insertToken(this.db, token);
  }
  async getToken(id: string): Promise<TokenRecord | undefined> {
    return getToken(this.db, id);
  }
  async listTokens(): Promise<TokenRecord[]> {
    return listTokens(this.db);
  }
  async revokeToken(id: string, at: string): Promise<boolean> {
    return revokeToken(this.db, id, at);
  }
  async touchToken(id: string, at: string): Promise<void> {
    touchToken(this.db, id, at);
  }
  async insertSession(session: SessionRecord): Promise<void> {
    insertSession(this.db, session);
  }
  async getSession(idHash: string, now: string): Promise<SessionRecord | undefined> {
    return getSession(this.db, idHash, now);
  }
  async deleteSession(idHash: string): Promise<boolean> {
    return deleteSession(this.db, idHash);
  }
  async recordAudit(entry: AuditEntry): Promise<number> {
    return recordAudit(this.db, entry);
  }
  async listAudit(query?: AuditQuery): Promise<AuditEntry[]> {
    return listAudit(this.db, query);
  }
  async probe(at: string): Promise<void> {
    probeStore(this.db, at);
  }
  async close(): Promise<void> {
    this.db.close();
  }
}
