import type { Health, JobSyncStatus } from './app.js';

/** One allocation as the UI's tree shows it (GET /api/v1/apps/NAME/resources). */
export type AllocationNode = {
  id: string;
  name: string;
  node: string;
  nodeId: string;
  clientStatus: string;
  desiredStatus: string;
  /** Deployment health: true healthy, false unhealthy, absent when not yet known or not in a deployment. */
  healthy?: boolean;
  jobVersion: number;
  /** The child job it belongs to, for periodic and parameterized jobs. */
  childJob?: string;
  createdAt?: string;
};

export type TaskGroupNode = { name: string; count: number; allocations: AllocationNode[] };

export type JobNode = {
  id: string;
  namespace: string;
  file?: string;
  sync: JobSyncStatus;
  health?: Health;
  /** Nomad's job type and status, when the job is live. */
  type?: string;
  status?: string;
  version?: number;
  periodic?: boolean;
  groups: TaskGroupNode[];
  /** Reading this job from Nomad failed. */
  error?: string;
};

export type ResourceTree = { app: string; jobs: JobNode[] };
