import { isDeepStrictEqual } from 'node:util';
import type { NomadJob } from '../src/domain/job.js';
import { admitJob } from '../src/nomad/admit.js';
import { formatMultiError } from '../src/nomad/validate.js';
import type { JobSubmission } from '../src/nomad/jobs.js';
import { MAX_VERSIONS, SimError, evalEvent, jobEvent, nowNs, type SimState, type StoredJob } from './state.js';
import type { Scheduler } from './scheduler.js';

/** Fields the server owns; SpecChanged ignores them (nomad/structs Job.SpecChanged). */
const SERVER_FIELDS = [
  'Status',
  'StatusDescription',
  'Stable',
  'Version',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'SubmitTime',
  'VersionTag',
];

export type RegisterRequest = {
  namespace: string;
  /** EnforceIndex: the JobModifyIndex the caller expects (0: create only). */
  enforceIndex?: number;
  submission?: JobSubmission;
  preserveCounts?: boolean;
  preserveResources?: boolean;
  triggeredBy?: string;
};

export type WriteResult = {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings: string;
  Index: number;
};

/** Admits a job the way the server does, answering validation failures as Nomad (500, multi-error text). */
export function admitOrThrow(state: SimState, input: NomadJob, namespace: string): StoredJob {
  const { job, errors } = admitJob(input, { namespace, region: state.region });
  if (errors.length > 0) throw new SimError(500, formatMultiError(errors));
  if (!state.namespaces.has(String(job.Namespace)))
    throw new SimError(500, `job "${job.ID}" is in nonexistent namespace "${String(job.Namespace)}"`);
  if (job.NodePool !== 'default' && job.NodePool !== 'all')
    throw new SimError(500, `job "${job.ID}" is in nonexistent node pool "${String(job.NodePool)}"`);
  return job as StoredJob;
}

/** Job writes: register (versions, EnforceIndex, submissions), stop/purge, revert and stability. */
export class JobStore {
  constructor(
    private readonly state: SimState,
    private readonly scheduler: Scheduler,
  ) {}

  register(input: NomadJob, request: RegisterRequest): WriteResult {
    const job = admitOrThrow(this.state, input, request.namespace);
    const existing = this.state.getJob(job.Namespace, job.ID);
    if (request.enforceIndex !== undefined) checkEnforceIndex(request.enforceIndex, existing);
    const needsEval = createsEval(job);
    if (existing && !specChanged(existing, job)) {
      // Nomad answers with the live JobModifyIndex and writes only the eval (an EvalUpdate
      // Raft entry, so its event type is EvaluationUpdated). The reference says ModifyIndex;
      // nomad/job_endpoint.go sets existingJob.JobModifyIndex.
      if (!needsEval)
        return { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: existing.JobModifyIndex, Warnings: '', Index: 0 };
      let evalId = '';
      const index = this.state.commit(['evals'], (i) => {
        const evaluation = this.scheduler.createEval(existing, request.triggeredBy ?? 'job-register', i);
        evalId = evaluation.ID;
        return [evalEvent('EvaluationUpdated', evaluation)];
      });
      this.scheduler.enqueue(evalId);
      return {
        EvalID: evalId,
        EvalCreateIndex: index,
        JobModifyIndex: existing.JobModifyIndex,
        Warnings: '',
        Index: index,
      };
    }
    if (request.preserveCounts && existing) preserveCounts(job, existing);
    if (request.preserveResources && existing) preserveResources(job, existing);
    let evalId = '';
    const index = this.state.commit(['jobs', 'job_summary', 'job_version', ...(needsEval ? ['evals'] : [])], (i) => {
      const stored = this.store(job, existing, i, request);
      const evaluation = needsEval
        ? this.scheduler.createEval(stored, request.triggeredBy ?? 'job-register', i)
        : undefined;
      // The status counts the eval this write creates (a stopped job registered again is pending, not dead).
      stored.Status = this.scheduler.jobStatus(stored);
      if (!evaluation) return [jobEvent('JobRegistered', stored)];
      evalId = evaluation.ID;
      return [jobEvent('JobRegistered', stored), evalEvent('JobRegistered', evaluation)];
    });
    if (evalId) this.scheduler.enqueue(evalId);
    return { EvalID: evalId, EvalCreateIndex: evalId ? index : 0, JobModifyIndex: index, Warnings: '', Index: index };
  }

  private store(job: StoredJob, existing: StoredJob | undefined, index: number, request: RegisterRequest): StoredJob {
    const stored: StoredJob = {
      ...job,
      Stop: job.Stop === true,
      ParentID: job.ParentID ?? '',
      Version: existing ? existing.Version + 1 : 0,
      CreateIndex: existing ? existing.CreateIndex : index,
      ModifyIndex: index,
      JobModifyIndex: index,
      SubmitTime: nowNs(),
      Stable: false,
      Status: 'pending',
      StatusDescription: '',
    };
    const key = this.state.key(stored.Namespace, stored.ID);
    this.state.jobs.set(key, stored);
    const versions = [stored, ...this.state.jobVersions(stored.Namespace, stored.ID)].slice(0, MAX_VERSIONS);
    this.state.versions.set(key, versions);
    for (const [subKey, submission] of this.state.submissions) {
      if (
        submission.Namespace === stored.Namespace &&
        submission.JobID === stored.ID &&
        !versions.some((v) => v.Version === submission.Version)
      )
        this.state.submissions.delete(subKey);
    }
    if (request.submission) {
      const { Source, Format, VariableFlags, Variables } = request.submission;
      this.state.submissions.set(`${key}\u0000${stored.Version}`, {
        Source,
        Format,
        VariableFlags: VariableFlags && Object.keys(VariableFlags).length > 0 ? VariableFlags : null,
        Variables: Variables ?? '',
        Namespace: stored.Namespace,
        JobID: stored.ID,
        Version: stored.Version,
        JobModifyIndex: index,
      });
    }
    return stored;
  }

  /** Stops a job (a new version with Stop=true) or, with purge, deletes it and its history. */
  deregister(namespace: string, id: string, purge: boolean): WriteResult {
    const existing = this.state.getJob(namespace, id);
    if (!existing) return { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: 0, Warnings: '', Index: 0 };
    const needsEval = createsEval(existing);
    let evalId = '';
    const index = this.state.commit(['jobs', 'job_summary', 'job_version', 'evals'], (i) => {
      const key = this.state.key(namespace, id);
      let job = existing;
      const events = [];
      if (purge) {
        this.state.jobs.delete(key);
        this.state.versions.delete(key);
        for (const subKey of [...this.state.submissions.keys()])
          if (subKey.startsWith(`${key}\u0000`)) this.state.submissions.delete(subKey);
        events.push(jobEvent('JobDeregistered', existing, { Deleted: true }));
      } else {
        job = {
          ...existing,
          Stop: true,
          Version: existing.Version + 1,
          ModifyIndex: i,
          JobModifyIndex: i,
          Stable: false,
          SubmitTime: nowNs(),
        };
        job.Status = this.scheduler.jobStatus(job);
        this.state.jobs.set(key, job);
        this.state.versions.set(key, [job, ...this.state.jobVersions(namespace, id)].slice(0, MAX_VERSIONS));
        events.push(jobEvent('JobDeregistered', job));
      }
      if (needsEval) {
        const evaluation = this.scheduler.createEval(job, 'job-deregister', i);
        evalId = evaluation.ID;
        events.push(evalEvent('JobDeregistered', evaluation));
      }
      for (const child of this.state.childrenOf(namespace, id))
        if (purge) this.state.jobs.delete(this.state.key(namespace, child.ID));
      return events;
    });
    if (evalId) this.scheduler.enqueue(evalId);
    return { EvalID: evalId, EvalCreateIndex: evalId ? index : 0, JobModifyIndex: index, Warnings: '', Index: index };
  }

  /** Registers an earlier version again as a new version (Nomad's revert). Failures are 500s. */
  revert(
    namespace: string,
    id: string,
    version: number,
    enforcePriorVersion?: number,
    triggeredBy = 'job-register',
  ): WriteResult {
    const current = this.state.getJob(namespace, id);
    if (!current) throw new SimError(500, `job "${id}" not found`);
    if (enforcePriorVersion !== undefined && current.Version !== enforcePriorVersion) {
      throw new SimError(500, `current job has version ${current.Version}; enforcing version ${enforcePriorVersion}`);
    }
    if (current.Version === version) throw new SimError(500, `can't revert to current version`);
    const target = this.state.jobVersions(namespace, id).find((job) => job.Version === version);
    if (!target) throw new SimError(500, `job "${id}" in namespace "${namespace}" at version ${version} not found`);
    const copy: NomadJob = { ...target, Stable: false };
    delete copy.VersionTag;
    return this.register(copy, { namespace, triggeredBy });
  }

  /** Marks a version (un)stable: ModifyIndex moves, no new version. */
  setStable(
    namespace: string,
    id: string,
    version: number,
    stable: boolean,
  ): { JobModifyIndex: number; Index: number } {
    const current = this.state.getJob(namespace, id);
    if (!current) throw new SimError(500, `job "${id}" not found`);
    const versions = this.state.jobVersions(namespace, id);
    if (!versions.some((job) => job.Version === version))
      throw new SimError(500, `job "${id}" at version ${version} not found`);
    const index = this.state.commit(['jobs', 'job_version'], (i) => {
      const key = this.state.key(namespace, id);
      this.state.versions.set(
        key,
        versions.map((job) => (job.Version === version ? { ...job, Stable: stable } : job)),
      );
      if (current.Version !== version) return [];
      const updated = { ...current, Stable: stable, ModifyIndex: i };
      this.state.jobs.set(key, updated);
      return [jobEvent('JobStabilityUpdated', updated)];
    });
    return { JobModifyIndex: index, Index: index };
  }
}

/** Periodic and parameterized parents get no evaluation; their children do. */
export function createsEval(job: NomadJob): boolean {
  return !job.Periodic && !(job.ParameterizedJob && !job.Dispatched);
}

function checkEnforceIndex(expected: number, existing: StoredJob | undefined): void {
  const prefix = `Enforcing job modify index ${expected}`;
  if (expected === 0 && existing) throw new SimError(500, `${prefix}: job already exists`);
  if (expected > 0 && !existing) throw new SimError(500, `${prefix}: job does not exist`);
  if (existing && expected > 0 && existing.JobModifyIndex !== expected) {
    throw new SimError(500, `${prefix}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`);
  }
}

/** PreserveCounts keeps the live group counts, matched by name (applied after the spec-changed check). */
function preserveCounts(job: StoredJob, existing: StoredJob): void {
  const live = new Map((existing.TaskGroups ?? []).map((group) => [group.Name, group.Count]));
  for (const group of job.TaskGroups ?? []) if (live.has(group.Name)) group.Count = live.get(group.Name);
}

/** PreserveResources keeps the live task Resources, matched by group and task name (Nomad 1.11+). */
function preserveResources(job: StoredJob, existing: StoredJob): void {
  type Task = { Name: string; Resources?: unknown };
  for (const group of job.TaskGroups ?? []) {
    const liveGroup = (existing.TaskGroups ?? []).find((g) => g.Name === group.Name);
    for (const task of (group.Tasks ?? []) as Task[]) {
      const live = ((liveGroup?.Tasks ?? []) as Task[]).find((t) => t.Name === task.Name);
      if (live) task.Resources = structuredClone(live.Resources);
    }
  }
}

/** Nomad's Job.SpecChanged: deep equality ignoring the server-owned fields. */
export function specChanged(existing: NomadJob, next: NomadJob): boolean {
  const strip = (job: NomadJob) =>
    Object.fromEntries(
      Object.entries(job).filter(([key, value]) => !SERVER_FIELDS.includes(key) && value !== undefined),
    );
  return !isDeepStrictEqual(strip(existing), strip(next));
}
