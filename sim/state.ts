import { isDeepStrictEqual } from 'node:util';
import type { NomadJob } from '../src/domain/job.js';
import { canonicalizeJob } from '../src/nomad/canonicalize.js';

/** Fields the server owns; SpecChanged ignores them (nomad/structs Job.SpecChanged). */
const SERVER_FIELDS = ['Status', 'StatusDescription', 'Stable', 'Version', 'CreateIndex', 'ModifyIndex', 'JobModifyIndex', 'SubmitTime'];

export type StoredJob = NomadJob & {
  Namespace: string;
  Version: number;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
  Status: string;
  Stop: boolean;
};

export class SimError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The simulator's state store: one raft-like index that every write advances. */
export class SimState {
  index = 1;
  private jobsIndex = 1;
  private readonly jobs = new Map<string, StoredJob>();
  private evalCounter = 0;

  constructor(readonly region = 'global') {}

  private key(namespace: string, id: string): string {
    return `${namespace}\u0000${id}`;
  }

  listJobs(namespace: string): StoredJob[] {
    return [...this.jobs.values()]
      .filter((job) => namespace === '*' || job.Namespace === namespace)
      .sort((a, b) => a.Namespace.localeCompare(b.Namespace) || a.ID.localeCompare(b.ID));
  }

  getJob(namespace: string, id: string): StoredJob | undefined {
    return this.jobs.get(this.key(namespace, id));
  }

  get jobsTableIndex(): number {
    return this.jobsIndex;
  }

  /** Registers a job the way Nomad's state store does (§3.3 of the reference). */
  register(input: NomadJob, namespace: string, enforce?: { index: number }): { evalId: string; evalCreateIndex: number; jobModifyIndex: number } {
    const job = canonicalizeJob(input, { namespace, region: this.region });
    const existing = this.getJob(job.Namespace as string, job.ID);
    if (enforce) {
      if (enforce.index === 0 && existing) throw new SimError(500, `Enforcing job modify index 0: job already exists`);
      if (enforce.index > 0 && !existing) throw new SimError(500, `Enforcing job modify index ${enforce.index}: job does not exist`);
      if (existing && enforce.index > 0 && existing.JobModifyIndex !== enforce.index) {
        throw new SimError(500, `Enforcing job modify index ${enforce.index}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`);
      }
    }
    const index = ++this.index;
    const evalId = this.newEvalId();
    if (existing && !specChanged(existing, job)) {
      return { evalId, evalCreateIndex: index, jobModifyIndex: existing.ModifyIndex };
    }
    const stored: StoredJob = {
      ...job,
      Namespace: job.Namespace as string,
      Stop: job.Stop === true,
      Version: existing ? existing.Version + 1 : 0,
      CreateIndex: existing ? existing.CreateIndex : index,
      ModifyIndex: index,
      JobModifyIndex: index,
      SubmitTime: Date.now() * 1e6,
      Status: job.Stop === true ? 'dead' : 'running',
      StatusDescription: '',
      Stable: false,
    };
    this.jobs.set(this.key(stored.Namespace, stored.ID), stored);
    this.jobsIndex = index;
    return { evalId, evalCreateIndex: index, jobModifyIndex: index };
  }

  /** Stops a job (a new version with Stop=true) or, with purge, deletes it. */
  deregister(namespace: string, id: string, purge: boolean): { evalId: string; evalCreateIndex: number; jobModifyIndex: number } {
    const existing = this.getJob(namespace, id);
    if (!existing) return { evalId: '', evalCreateIndex: 0, jobModifyIndex: 0 };
    const index = ++this.index;
    if (purge) {
      this.jobs.delete(this.key(namespace, id));
    } else {
      this.jobs.set(this.key(namespace, id), {
        ...existing, Stop: true, Status: 'dead', Version: existing.Version + 1, ModifyIndex: index, JobModifyIndex: index, Stable: false,
      });
    }
    this.jobsIndex = index;
    return { evalId: this.newEvalId(), evalCreateIndex: index, jobModifyIndex: index };
  }

  private newEvalId(): string {
    this.evalCounter++;
    return `00000000-0000-4000-8000-${this.evalCounter.toString(16).padStart(12, '0')}`;
  }
}

function specChanged(existing: StoredJob, next: NomadJob): boolean {
  const strip = (job: NomadJob) => Object.fromEntries(Object.entries(job).filter(([key]) => !SERVER_FIELDS.includes(key)));
  return !isDeepStrictEqual(strip(existing), strip(next));
}
