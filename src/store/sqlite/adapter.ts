import type { AppStatus, Pin } from '../../domain/app.js';
import { getAppStatus, saveAppStatus } from '../app-status.js';
import { forgetAppliedJobs, listAppliedJobs, recordAppliedJob, type AppliedJob } from '../applied-jobs.js';
import { openDatabase, type DB } from '../db.js';
import { clearPin, getPin, setPin } from '../pins.js';
import type { DeploymentLink, Store, SyncRunEnd } from '../store.js';
import {
  attachDeployments,
  finishSyncRun,
  getSyncRun,
  listSyncRuns,
  markInterruptedRuns,
  startSyncRun,
  trimSyncRuns,
  type SyncRun,
} from '../sync-runs.js';

/**
 * Today's synchronous SQLite operations presented through the async Store interface, so both stores
 * pass one contract suite. The callers still use the functions directly until they move to Store.
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
  async close(): Promise<void> {
    this.db.close();
  }
}
