// The API's shapes. Status types come from domain/ (shared with the server); the rest mirror
// the JSON the routes answer with (src/server/app-view.ts, src/store/sync-runs.ts).
import type { AppSpec, AppStatus, Condition, FieldDiff, HealthCode, PlanSummary } from '../../src/domain/app.ts';
import type { JobAction, SyncRun as StoredRun } from '../../src/domain/sync-run.ts';
import type { AllocationNode, JobNode, ResourceTree, TaskGroupNode } from '../../src/domain/resources.ts';

export type {
  AppStatus,
  Condition,
  FieldDiff,
  HealthCode,
  PlanSummary,
  AllocationNode,
  JobNode,
  ResourceTree,
  TaskGroupNode,
};

export type App = {
  name: string;
  /** The project whose rules the app keeps. */
  project: string;
  /** The app set that generated the app, if one did. */
  appSet?: string;
  source: { repoURL: string; revision: string; path: string };
  destination: AppSpec['destination'];
  syncPolicy: AppSpec['syncPolicy'];
  ignoreDifferences: AppSpec['ignoreDifferences'];
  status: AppStatus;
};

export type { JobAction } from '../../src/domain/sync-run.ts';
/** A run as the API answers it: stored, so it always has its ID. */
export type SyncRun = StoredRun & { id: number };

export type JobDiff = {
  id: string;
  namespace: string;
  file?: string;
  status: string;
  ownership?: unknown;
  diff: FieldDiff[];
};

export type DiffView = {
  revision?: string;
  status: string;
  conditions: Condition[];
  jobs: JobDiff[];
  actions?: JobAction[];
};

export type Role = 'viewer' | 'operator' | 'admin';
export type Principal = { kind: string; id: string; name?: string; email?: string; role: Role; apps: string[] };
