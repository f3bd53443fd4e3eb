import type { AppStatus, Pin } from '../domain/app.js';
import type { AppliedJob } from './applied-jobs.js';
import type { JobAction, SyncResult, SyncRun } from './sync-runs.js';

/** How a sync run ended. */
export type SyncRunEnd = {
  result: SyncResult;
  finishedAt: string;
  durationMs: number;
  message?: string;
  jobs: JobAction[];
};

/** A deployment Nomad created for a write, to tie back to the run's action. */
export type DeploymentLink = { namespace: string; id: string; deploymentId: string; jobSpecModifyIndex: number };

/**
 * The store's operations, async so that one interface serves the embedded SQLite file (one instance)
 * and PostgreSQL (shared by HA instances). Both pass the contract suite in store/contract.test.ts.
 * The store is a cache plus history: git and the cluster are the truth.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Saves an app's status; false (and no write) when only `observedAt` changed. */
  saveAppStatus(app: string, status: AppStatus, now?: Date): Promise<boolean>;
  getAppStatus(app: string): Promise<AppStatus | undefined>;

  recordAppliedJob(job: AppliedJob): Promise<void>;
  /** Forgets the app's applied jobs not in `keep`. */
  forgetAppliedJobs(app: string, keep: Array<{ namespace: string; jobId: string }>): Promise<void>;
  listAppliedJobs(app: string): Promise<AppliedJob[]>;

  setPin(app: string, pin: Pin): Promise<void>;
  getPin(app: string): Promise<Pin | undefined>;
  /** Whether there was a pin to clear. */
  clearPin(app: string): Promise<boolean>;

  /** Records a run as Running and returns its id (unique across every instance sharing the store). */
  startSyncRun(run: Omit<SyncRun, 'result' | 'jobs' | 'id'>): Promise<number>;
  finishSyncRun(id: number, end: SyncRunEnd): Promise<void>;
  /** Fills in the deployment each write of a run started; returns how many actions were filled. */
  attachDeployments(runId: number, deployments: DeploymentLink[]): Promise<number>;
  /** Marks runs left Running (by a stopped process or a deposed leader) as Interrupted; returns how many. */
  markInterruptedRuns(at: string, message?: string): Promise<number>;
  /** Keeps the newest `keep` runs of an app. */
  trimSyncRuns(app: string, keep: number): Promise<void>;
  /** Newest first. */
  listSyncRuns(app: string, limit?: number): Promise<SyncRun[]>;
  getSyncRun(app: string, id: number): Promise<SyncRun | undefined>;

  close(): Promise<void>;
}
