import type { PlanSummary } from './app.js';

/** What one sync did to one job, as history keeps it. */
export type JobAction = {
  id: string;
  namespace: string;
  action: 'create' | 'update' | 'prune' | 'unchanged' | 'skipped';
  result: 'ok' | 'failed' | 'planned';
  evalId?: string;
  /** The JobModifyIndex Nomad answered the register with; ties the write to the deployment it started. */
  jobModifyIndex?: number;
  /** Filled in once Nomad has created the deployment for this write (service jobs with an update block). */
  deploymentId?: string;
  /** For planned writes of a dry-run: what Nomad's plan says. */
  plan?: PlanSummary;
  message?: string;
  /** The job's sync wave, when its app has more than one. */
  wave?: number;
};

export type SyncResult = 'Running' | 'Succeeded' | 'Failed' | 'Interrupted';

/** One sync attempt, as history keeps it. */
export type SyncRun = {
  id?: number;
  app: string;
  trigger: string;
  /** Who asked for a manual sync, rollback or refresh: a token ("token ID (name)") or an OIDC user. */
  requestedBy?: string;
  revision: string;
  author?: string;
  committer?: string;
  subject?: string;
  commitDate?: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  result: SyncResult;
  message?: string;
  jobs: JobAction[];
};
