import type { AppStatus, Pin } from '../domain/app.js';
import type { AppliedJob } from './applied-jobs.js';
import type { AuditEntry, AuditQuery } from './audit.js';
import type { SessionRecord } from './sessions.js';
import type { JobAction, SyncResult, SyncRun } from './sync-runs.js';
import type { TokenRecord } from './tokens.js';

/** A saved status and when it was saved (by the writer's clock). */
export type SavedAppStatus = { app: string; status: AppStatus; updatedAt: string };

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
  /** Statuses saved after `since` (an `updatedAt` this returned; every status without it), oldest first. */
  listAppStatusesSince(since?: string): Promise<SavedAppStatus[]>;

  recordAppliedJob(job: AppliedJob): Promise<void>;
  /** Forgets the app's applied jobs not in `keep`. */
  forgetAppliedJobs(app: string, keep: Array<{ namespace: string; jobId: string }>): Promise<void>;
  listAppliedJobs(app: string): Promise<AppliedJob[]>;

  setPin(app: string, pin: Pin): Promise<void>;
  getPin(app: string): Promise<Pin | undefined>;
  /** Whether there was a pin to clear. */
  clearPin(app: string): Promise<boolean>;

  /** Appends one action to a run still Running, so a run cut short still lists every write it made. */
  appendRunAction(id: number, action: JobAction): Promise<void>;
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

  /** Adds an API token (only the secret's hash). */
  insertToken(token: Omit<TokenRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void>;
  /** One token by public ID, revoked or not. */
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** Every token, newest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** Marks a token revoked and ends its sessions; false when there is none or it was already revoked. */
  revokeToken(id: string, at: string): Promise<boolean>;
  /** Records when a token was last used (the caller limits how often). */
  touchToken(id: string, at: string): Promise<void>;

  /** Adds a session, dropping expired ones on the way. */
  insertSession(session: SessionRecord): Promise<void>;
  /** A session that has not expired at `now`. */
  getSession(idHash: string, now: string): Promise<SessionRecord | undefined>;
  /** Ends a session; whether there was one. */
  deleteSession(idHash: string): Promise<boolean>;

  /** Appends an audit entry; returns its ID (one sequence across instances). */
  recordAudit(entry: AuditEntry): Promise<number>;
  /** Audit entries newest first, filtered and paged by ID. */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;

  /** Writes and reads back one row; rejects when the store cannot do either (readiness). */
  probe(at: string): Promise<void>;

  close(): Promise<void>;
}
