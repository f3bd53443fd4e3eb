import { EventEmitter } from 'node:events';
import type { NomadJob } from '../src/domain/job.js';
import type { Allocation, Deployment, Evaluation, Namespace, NomadEvent, Variable } from '../src/nomad/types.js';
import { EventBroker } from './events.js';

/** A job as the simulator stores it: admitted, with the server-owned fields set. */
export type StoredJob = NomadJob & {
  Namespace: string;
  Version: number;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
  Status: string;
  Stop: boolean;
  Stable: boolean;
  ParentID: string;
  Type: string;
};

export type Submission = {
  Source: string;
  Format: string;
  VariableFlags: Record<string, string> | null;
  Variables: string;
  Namespace: string;
  JobID: string;
  Version: number;
  JobModifyIndex: number;
};

/** A variable plus its lock bookkeeping (never sent as-is). */
export type StoredVariable = Variable & { lockExpiresAt?: number; lockDelayUntil?: number };

/** An error the HTTP layer answers with this status and a plain-text body. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly jsonBody?: unknown,
  ) {
    super(message);
  }
}

/** Nomad keeps six versions of a job. */
export const MAX_VERSIONS = 6;

/** A draft event: the write's index is filled in by `commit`. */
export type EventDraft = Omit<NomadEvent, 'Index'>;

/**
 * The simulator's state store: one Raft-like index that every write advances, a per-table
 * index (what X-Nomad-Index reports for lists), and a change signal for blocking queries.
 */
export class SimState {
  index = 1;
  readonly tables = new Map<string, number>();
  readonly jobs = new Map<string, StoredJob>();
  readonly versions = new Map<string, StoredJob[]>();
  readonly submissions = new Map<string, Submission>();
  readonly evals = new ByJobMap<Evaluation>();
  readonly allocs = new ByJobMap<Allocation>();
  readonly deployments = new ByJobMap<Deployment>();
  readonly namespaces = new Map<string, Namespace>();
  readonly variables = new Map<string, StoredVariable>();
  readonly broker = new EventBroker();
  private readonly changes = new EventEmitter();

  constructor(readonly region = 'global') {
    this.changes.setMaxListeners(0);
    this.reset();
  }

  /** Empties everything (the `default` namespace always exists), as a restart with no data dir. */
  reset(): void {
    for (const map of [
      this.tables,
      this.jobs,
      this.versions,
      this.submissions,
      this.evals,
      this.allocs,
      this.deployments,
      this.namespaces,
      this.variables,
    ])
      map.clear();
    this.broker.reset();
    this.index += 1;
    this.namespaces.set('default', {
      Name: 'default',
      Description: 'Default shared namespace',
      Quota: '',
      Capabilities: null,
      Meta: null,
      NodePoolConfiguration: null,
      CreateIndex: 1,
      ModifyIndex: 1,
    });
    this.changes.emit('change');
  }

  /** Applies one write at a new index: marks the touched tables, publishes events, wakes blocked readers. */
  commit(tables: string[], write: (index: number) => EventDraft[] | void): number {
    const index = ++this.index;
    const events = write(index) ?? [];
    for (const table of tables) this.tables.set(table, index);
    this.broker.publish({ Index: index, Events: events.map((event) => ({ ...event, Index: index })) });
    this.changes.emit('change');
    return index;
  }

  /** The index of a table (1 before its first write). */
  tableIndex(...tables: string[]): number {
    return Math.max(1, ...tables.map((table) => this.tables.get(table) ?? 1));
  }

  /** Resolves on the next write, or after `ms`, or when the signal aborts. */
  waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off('change', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changes.on('change', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  key(namespace: string, id: string): string {
    return `${namespace}\u0000${id}`;
  }

  getJob(namespace: string, id: string): StoredJob | undefined {
    return this.jobs.get(this.key(namespace, id));
  }

  listJobs(namespace: string): StoredJob[] {
    return [...this.jobs.values()]
      .filter((job) => namespace === '*' || job.Namespace === namespace)
      .sort((a, b) => compare(a.Namespace, b.Namespace) || compare(a.ID, b.ID));
  }

  jobVersions(namespace: string, id: string): StoredJob[] {
    return this.versions.get(this.key(namespace, id)) ?? [];
  }

  /** A job's allocations, newest first. */
  allocsOf(namespace: string, jobId: string): Allocation[] {
    return this.allocs.ofJob(namespace, jobId);
  }

  evalsOf(namespace: string, jobId: string): Evaluation[] {
    return this.evals.ofJob(namespace, jobId);
  }

  deploymentsOf(namespace: string, jobId: string): Deployment[] {
    return this.deployments.ofJob(namespace, jobId);
  }

  childrenOf(namespace: string, parentId: string): StoredJob[] {
    return [...this.jobs.values()].filter((job) => job.Namespace === namespace && job.ParentID === parentId);
  }
}

type JobOwned = { ID: string; Namespace: string; JobID: string; CreateIndex: number };

/** A map by ID that also indexes its values by job, so per-job reads stay cheap with many jobs. */
export class ByJobMap<T extends JobOwned> extends Map<string, T> {
  private byJob = new Map<string, Set<string>>();

  override set(id: string, value: T): this {
    const key = `${value.Namespace}\u0000${value.JobID}`;
    let ids = this.byJob.get(key);
    if (!ids) this.byJob.set(key, (ids = new Set()));
    ids.add(id);
    return super.set(id, value);
  }

  override delete(id: string): boolean {
    const value = this.get(id);
    if (value) this.byJob.get(`${value.Namespace}\u0000${value.JobID}`)?.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byJob.clear();
    super.clear();
  }

  /** The values of one job, newest first. */
  ofJob(namespace: string, jobId: string): T[] {
    const ids = this.byJob.get(`${namespace}\u0000${jobId}`) ?? new Set<string>();
    return [...ids].map((id) => this.get(id)!).sort((a, b) => b.CreateIndex - a.CreateIndex);
  }
}

/** Go's byte-wise string order (not locale order), as Nomad's state store iterates. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unix nanoseconds now, the unit of CreateTime/ModifyTime/SubmitTime. */
export function nowNs(): number {
  return Date.now() * 1e6;
}

/** Job events carry the job as payload; Key is the job ID. */
export function jobEvent(type: string, job: StoredJob, extra: Record<string, unknown> = {}): EventDraft {
  return {
    Topic: 'Job',
    Type: type,
    Key: job.ID,
    Namespace: job.Namespace,
    FilterKeys: null,
    Payload: { Job: job, ...extra },
  };
}

export function evalEvent(type: string, evaluation: Evaluation): EventDraft {
  return {
    Topic: 'Evaluation',
    Type: type,
    Key: evaluation.ID,
    Namespace: evaluation.Namespace,
    FilterKeys: [evaluation.JobID, evaluation.DeploymentID],
    Payload: { Evaluation: evaluation },
  };
}

export function allocEvent(type: string, alloc: Allocation): EventDraft {
  return {
    Topic: 'Allocation',
    Type: type,
    Key: alloc.ID,
    Namespace: alloc.Namespace,
    FilterKeys: [alloc.JobID, alloc.DeploymentID],
    Payload: { Allocation: { ...alloc, Job: null } },
  };
}

export function deploymentEvent(type: string, deployment: Deployment): EventDraft {
  return {
    Topic: 'Deployment',
    Type: type,
    Key: deployment.ID,
    Namespace: deployment.Namespace,
    FilterKeys: [deployment.JobID],
    Payload: { Deployment: deployment },
  };
}
