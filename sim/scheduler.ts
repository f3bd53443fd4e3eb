import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Allocation, Deployment, Evaluation, JobSummary, TaskGroupSummary } from '../src/nomad/types.js';
import {
  allocEvent,
  deploymentEvent,
  evalEvent,
  jobEvent,
  nowNs,
  type EventDraft,
  type SimState,
  type StoredJob,
} from './state.js';

type Obj = Record<string, unknown>;
/** A simulated client node; eligibility and drain state change through the node routes. */
export type SimNode = {
  ID: string;
  Name: string;
  Datacenter: string;
  SchedulingEligibility?: 'eligible' | 'ineligible';
  Drain?: boolean;
  LastDrain?: Record<string, unknown> | null;
  CreateIndex?: number;
  ModifyIndex?: number;
};

/** What makes allocations fail; set by fault injection. */
export type FailurePolicy = {
  shouldFail(namespace: string, jobId: string, group: string, images?: string[]): string | undefined;
};

export type SchedulerOptions = { nodes: SimNode[]; allocDelayMs: number; failures: FailurePolicy };

type PlaceContext = {
  deployment: Deployment | undefined;
  live: Allocation[];
  evaluation: Evaluation;
  index: number;
  events: EventDraft[];
  fresh: Allocation[];
  inPlace: Allocation[];
};

const TERMINAL_CLIENT = new Set(['complete', 'failed', 'lost']);
const ACTIVE_DEPLOYMENT = new Set(['running', 'paused', 'pending', 'blocked', 'unblocking', 'initializing']);
export const isTerminalAlloc = (alloc: Allocation) =>
  alloc.DesiredStatus !== 'run' || TERMINAL_CLIENT.has(alloc.ClientStatus);
export const isActiveDeployment = (deployment: Deployment) => ACTIVE_DEPLOYMENT.has(deployment.Status);
const groupsOf = (job: StoredJob) => (job.TaskGroups ?? []) as Obj[];

/**
 * The scheduler simulation: evaluations place allocations on simulated nodes (rolling
 * updates `max_parallel` at a time), and a lifecycle runner (lifecycle.ts) moves them along.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Called after a plan placed allocations or created a deployment. */
  onPlaced: (allocIds: string[]) => void = () => undefined;

  constructor(
    private readonly state: SimState,
    readonly options: SchedulerOptions,
  ) {}

  /** Runs `fn` after `ms`, unless the simulator closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (error) {
        // A background step (e.g. an auto-revert of a job purged meanwhile) must not crash the simulator.
        process.stderr.write(`drover sim: background step failed: ${(error as Error).message}\n`);
      }
    }, ms);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A pending evaluation for the job (stored by the caller's commit). */
  createEval(job: StoredJob, triggeredBy: string, index: number, deploymentId = ''): Evaluation {
    const now = nowNs();
    const evaluation: Evaluation = {
      ID: randomUUID(),
      Namespace: job.Namespace,
      Priority: Number(job.Priority ?? 50),
      Type: job.Type,
      TriggeredBy: triggeredBy,
      JobID: job.ID,
      JobModifyIndex: job.JobModifyIndex,
      NodeID: '',
      NodeModifyIndex: 0,
      DeploymentID: deploymentId,
      Status: 'pending',
      StatusDescription: '',
      Wait: 0,
      WaitUntil: '0001-01-01T00:00:00Z',
      NextEval: '',
      PreviousEval: '',
      BlockedEval: '',
      RelatedEvals: null,
      FailedTGAllocs: null,
      ClassEligibility: null,
      QuotaLimitReached: '',
      EscapedComputedClass: false,
      AnnotatePlan: false,
      QueuedAllocations: null,
      LeaderACL: '',
      SnapshotIndex: 0,
      CreateIndex: index,
      ModifyIndex: index,
      CreateTime: now,
      ModifyTime: now,
    };
    this.state.evals.set(evaluation.ID, evaluation);
    return evaluation;
  }

  /** Processes the evaluation shortly, as a scheduler worker would. */
  enqueue(evalId: string): void {
    this.later(1, () => this.process(evalId));
  }

  private process(evalId: string): void {
    const evaluation = this.state.evals.get(evalId);
    if (!evaluation || evaluation.Status !== 'pending') return;
    const job = this.state.getJob(evaluation.Namespace, evaluation.JobID);
    const placed: string[] = [];
    this.state.commit(['allocs', 'deployment', 'jobs', 'job_summary'], (index) => {
      const events: EventDraft[] = [];
      if (!job || job.Stop) this.stopAll(evaluation, index, events);
      else this.place(job, evaluation, index, events, placed);
      this.refreshJob(evaluation.Namespace, evaluation.JobID, index, 'PlanResult', events);
      return events;
    });
    this.state.commit(['evals', 'jobs'], (index) => {
      const done = {
        ...evaluation,
        Status: 'complete',
        ModifyIndex: index,
        ModifyTime: nowNs(),
        QueuedAllocations: {},
      };
      this.state.evals.set(evalId, done);
      const events = [evalEvent('EvaluationUpdated', done)];
      this.refreshJob(evaluation.Namespace, evaluation.JobID, index, 'EvaluationUpdated', events);
      return events;
    });
    if (placed.length > 0) this.onPlaced(placed);
  }

  private stopAll(evaluation: Evaluation, index: number, events: EventDraft[]): void {
    for (const alloc of this.state.allocsOf(evaluation.Namespace, evaluation.JobID)) {
      if (!isTerminalAlloc(alloc))
        events.push(allocEvent('PlanResult', this.stopAlloc(alloc, index, 'alloc not needed since job was stopped')));
    }
    for (const deployment of this.state.deploymentsOf(evaluation.Namespace, evaluation.JobID)) {
      if (isActiveDeployment(deployment))
        events.push(
          deploymentEvent(
            'PlanResult',
            this.endDeployment(deployment, 'cancelled', 'Cancelled because job is stopped', index),
          ),
        );
    }
  }

  /** Marks an allocation stopped; the simulated client has it complete at once. */
  stopAlloc(alloc: Allocation, index: number, description: string): Allocation {
    const states = Object.fromEntries(
      Object.entries(alloc.TaskStates ?? {}).map(([task, s]) => [
        task,
        { ...s, State: 'dead', FinishedAt: new Date().toISOString() },
      ]),
    );
    const stopped = {
      ...alloc,
      DesiredStatus: 'stop',
      DesiredDescription: description,
      ClientStatus: alloc.ClientStatus === 'failed' ? 'failed' : 'complete',
      TaskStates: states,
      ModifyIndex: index,
      ModifyTime: nowNs(),
    };
    this.state.allocs.set(alloc.ID, stopped);
    return stopped;
  }

  endDeployment(deployment: Deployment, status: string, description: string, index: number): Deployment {
    const ended = {
      ...deployment,
      Status: status,
      StatusDescription: description,
      ModifyIndex: index,
      ModifyTime: nowNs(),
    };
    this.state.deployments.set(ended.ID, ended);
    return ended;
  }

  private place(job: StoredJob, evaluation: Evaluation, index: number, events: EventDraft[], placed: string[]): void {
    let deployment = this.currentDeployment(job);
    const live = this.state.allocsOf(job.Namespace, job.ID).filter((a) => !isTerminalAlloc(a));
    const fresh: Allocation[] = [];
    const inPlace: Allocation[] = [];
    for (const group of groupsOf(job))
      this.placeGroup(job, group, { deployment, live, evaluation, index, events, fresh, inPlace });
    if (
      job.Type === 'service' &&
      (fresh.length > 0 || inPlace.length > 0) &&
      !deployment &&
      this.needsDeployment(job)
    ) {
      deployment = this.newDeployment(
        job,
        index,
        live.some((a) => a.JobVersion !== job.Version),
      );
      events.push(deploymentEvent('PlanResult', deployment));
    }
    const touched = [...fresh, ...inPlace];
    for (const alloc of touched) {
      const withDeployment =
        deployment && isActiveDeployment(deployment) ? { ...alloc, DeploymentID: deployment.ID } : alloc;
      this.state.allocs.set(alloc.ID, withDeployment);
      events.push(allocEvent('PlanResult', withDeployment));
      placed.push(alloc.ID);
    }
    if (deployment && isActiveDeployment(deployment) && touched.length > 0)
      this.countPlacements(this.state.deployments.get(deployment.ID)!, touched, index, events);
  }

  /**
   * One group's placements: in-place updates when only the count changed, canaries while a
   * deployment waits for promotion, otherwise destructive replacement of the outdated
   * allocations, at most `max_parallel` unhealthy new ones at a time for service jobs.
   */
  private placeGroup(job: StoredJob, group: Obj, ctx: PlaceContext): void {
    const { deployment, index, events } = ctx;
    const name = String(group.Name);
    const desired = this.desiredCount(job, group);
    const current: Allocation[] = [];
    const outdated: Allocation[] = [];
    for (const alloc of ctx.live.filter((a) => a.TaskGroup === name)) {
      if (alloc.JobVersion === job.Version) current.push(alloc);
      else if (sameGroup(alloc, group)) {
        const updated = { ...alloc, JobVersion: job.Version, Job: job, ModifyIndex: index, ModifyTime: nowNs() };
        this.state.allocs.set(alloc.ID, updated);
        current.push(updated);
        ctx.inPlace.push(updated);
      } else outdated.push(alloc);
    }
    const update = group.Update as Obj | undefined;
    const canaries = Number(update?.Canary ?? 0);
    const maxParallel = job.Type === 'service' ? Number(update?.MaxParallel ?? 0) : 0;
    const canaryPhase = canaries > 0 && outdated.length > 0 && deployment?.TaskGroups[name]?.Promoted !== true;
    let wanted: number;
    if (canaryPhase) {
      wanted = Math.min(canaries, desired);
    } else {
      const inFlight = current.filter((a) => a.DeploymentStatus?.Healthy !== true).length;
      // Surplus old allocations (already replaced by promoted canaries) go at once; then max_parallel at a time.
      const surplus = Math.max(0, current.length + outdated.length - desired);
      const budget = maxParallel > 0 ? surplus + Math.max(0, maxParallel - inFlight) : outdated.length;
      const stopping = outdated.sort((a, b) => a.Name.localeCompare(b.Name)).slice(0, budget);
      for (const alloc of stopping)
        events.push(allocEvent('PlanResult', this.stopAlloc(alloc, index, 'alloc is being updated due to job update')));
      wanted = desired - (outdated.length - stopping.length);
    }
    const batchLike = job.Type === 'batch' || job.Type === 'sysbatch';
    const done = batchLike
      ? this.state
          .allocsOf(job.Namespace, job.ID)
          .filter((a) => a.TaskGroup === name && a.JobVersion === job.Version && a.ClientStatus === 'complete').length
      : 0;
    const missing = wanted - current.length - done;
    for (let i = 0; i < missing; i++)
      ctx.fresh.push(this.newAlloc(job, group, ctx.evaluation, index, this.freeSlot(job, name, i), canaryPhase));
    for (const extra of current
      .sort((a, b) => b.Name.localeCompare(a.Name))
      .slice(0, Math.max(0, current.length - wanted))) {
      events.push(allocEvent('PlanResult', this.stopAlloc(extra, index, 'alloc not needed due to job update')));
    }
  }

  private countPlacements(deployment: Deployment, fresh: Allocation[], index: number, events: EventDraft[]): void {
    const groups = structuredClone(deployment.TaskGroups);
    for (const alloc of fresh) {
      const state = groups[alloc.TaskGroup];
      if (!state) continue;
      state.PlacedAllocs += 1;
      if ((alloc.DeploymentStatus as { Canary?: boolean } | null)?.Canary)
        state.PlacedCanaries = [...(state.PlacedCanaries ?? []), alloc.ID];
    }
    const updated = { ...deployment, TaskGroups: groups, ModifyIndex: index };
    this.state.deployments.set(updated.ID, updated);
    events.push(deploymentEvent('PlanResult', updated));
  }

  /** The job's deployment for its current version, if any. */
  currentDeployment(job: StoredJob): Deployment | undefined {
    return this.state
      .deploymentsOf(job.Namespace, job.ID)
      .find((d) => d.JobVersion === job.Version && d.JobCreateIndex === job.CreateIndex);
  }

  private needsDeployment(job: StoredJob): boolean {
    return groupsOf(job).some((group) => Number((group.Update as Obj | undefined)?.MaxParallel ?? 0) > 0);
  }

  private newDeployment(job: StoredJob, index: number, updating: boolean): Deployment {
    for (const old of this.state.deploymentsOf(job.Namespace, job.ID)) {
      if (isActiveDeployment(old)) this.endDeployment(old, 'cancelled', 'Cancelled due to newer version of job', index);
    }
    const now = nowNs();
    const taskGroups: Deployment['TaskGroups'] = {};
    for (const group of groupsOf(job)) {
      const update = group.Update as Obj | undefined;
      if (!update || Number(update.MaxParallel ?? 0) <= 0) continue;
      const canaries = updating ? Math.min(Number(update.Canary ?? 0), this.desiredCount(job, group)) : 0;
      taskGroups[String(group.Name)] = {
        AutoRevert: update.AutoRevert === true,
        AutoPromote: update.AutoPromote === true,
        ProgressDeadline: Number(update.ProgressDeadline ?? 0),
        RequireProgressBy: new Date(Date.now() + Number(update.ProgressDeadline ?? 0) / 1e6).toISOString(),
        Promoted: false,
        PlacedCanaries: null,
        DesiredCanaries: canaries,
        DesiredTotal: this.desiredCount(job, group),
        PlacedAllocs: 0,
        HealthyAllocs: 0,
        UnhealthyAllocs: 0,
      };
    }
    const anyCanary = Object.values(taskGroups).some((g) => g.DesiredCanaries > 0);
    const deployment: Deployment = {
      ID: randomUUID(),
      Namespace: job.Namespace,
      JobID: job.ID,
      JobVersion: job.Version,
      JobModifyIndex: job.ModifyIndex,
      JobSpecModifyIndex: job.JobModifyIndex,
      JobCreateIndex: job.CreateIndex,
      IsMultiregion: false,
      TaskGroups: taskGroups,
      Status: 'running',
      StatusDescription:
        anyCanary && !Object.values(taskGroups).every((g) => g.AutoPromote)
          ? 'Deployment is running but requires manual promotion'
          : 'Deployment is running',
      EvalPriority: Number(job.Priority ?? 50),
      CreateIndex: index,
      ModifyIndex: index,
      CreateTime: now,
      ModifyTime: now,
    };
    this.state.deployments.set(deployment.ID, deployment);
    return deployment;
  }

  /** How many allocations a group wants: Count, or one per node for system jobs. */
  desiredCount(job: StoredJob, group: Obj): number {
    return job.Type === 'system' || job.Type === 'sysbatch' ? this.options.nodes.length : Number(group.Count ?? 1);
  }

  private freeSlot(job: StoredJob, group: string, offset: number): number {
    const taken = new Set(
      this.state
        .allocsOf(job.Namespace, job.ID)
        .filter((a) => !isTerminalAlloc(a) && a.TaskGroup === group)
        .map((a) => Number(/\[(\d+)\]$/.exec(a.Name)?.[1])),
    );
    let slot = 0;
    for (let skipped = 0; ; slot++) if (!taken.has(slot) && skipped++ === offset) return slot;
  }

  private newAlloc(
    job: StoredJob,
    group: Obj,
    evaluation: Evaluation,
    index: number,
    slot: number,
    canary: boolean,
  ): Allocation {
    // New allocations go to eligible nodes only (placement never fails here: with none, any node).
    const eligible = this.options.nodes.filter((n) => n.SchedulingEligibility !== 'ineligible');
    const pool = eligible.length > 0 ? eligible : this.options.nodes;
    const node = pool[slot % pool.length]!;
    const now = nowNs();
    const tasks = ((group.Tasks ?? []) as Obj[]).map((task) => String(task.Name));
    return {
      ID: randomUUID(),
      Namespace: job.Namespace,
      EvalID: evaluation.ID,
      Name: `${job.ID}.${String(group.Name)}[${slot}]`,
      NodeID: node.ID,
      NodeName: node.Name,
      JobID: job.ID,
      Job: job,
      JobType: job.Type,
      JobVersion: job.Version,
      TaskGroup: String(group.Name),
      DesiredStatus: 'run',
      DesiredDescription: '',
      DesiredTransition: {},
      ClientStatus: 'pending',
      ClientDescription: 'No tasks have started',
      TaskStates: Object.fromEntries(
        tasks.map((task) => [
          task,
          {
            State: 'pending',
            Failed: false,
            Restarts: 0,
            StartedAt: null,
            FinishedAt: null,
            LastRestart: null,
            Events: [],
          },
        ]),
      ),
      DeploymentID: '',
      DeploymentStatus: canary
        ? { Healthy: null, Timestamp: '0001-01-01T00:00:00Z', Canary: true, ModifyIndex: 0 }
        : null,
      AllocatedResources: null,
      Resources: null,
      Metrics: null,
      FollowupEvalID: '',
      NextAllocation: '',
      PreviousAllocation: '',
      RescheduleTracker: null,
      PreemptedAllocations: null,
      PreemptedByAllocation: '',
      AllocModifyIndex: index,
      CreateIndex: index,
      ModifyIndex: index,
      CreateTime: now,
      ModifyTime: now,
    };
  }

  /** Nomad's job status rules (reference §3.3). */
  jobStatus(job: StoredJob): string {
    if (job.Type === 'system' || job.Periodic || (job.ParameterizedJob && !job.Dispatched))
      return job.Stop ? 'dead' : 'running';
    if (this.state.allocsOf(job.Namespace, job.ID).some((a) => !isTerminalAlloc(a))) return 'running';
    if (
      this.state
        .deploymentsOf(job.Namespace, job.ID)
        .some((d) => isActiveDeployment(d) && d.JobCreateIndex === job.CreateIndex)
    )
      return 'running';
    const evals = this.state.evalsOf(job.Namespace, job.ID);
    if (evals.some((e) => e.Status === 'pending' || e.Status === 'blocked')) return 'pending';
    return evals.length > 0 || job.Stop ? 'dead' : 'pending';
  }

  /** Recomputes a job's status; a change moves only ModifyIndex and is published with the write's type. */
  refreshJob(namespace: string, id: string, index: number, type: string, events: EventDraft[]): void {
    const job = this.state.getJob(namespace, id);
    if (!job) return;
    const status = this.jobStatus(job);
    if (status === job.Status) return;
    const updated = { ...job, Status: status, ModifyIndex: index };
    this.state.jobs.set(this.state.key(namespace, id), updated);
    events.push(jobEvent(type, updated));
  }

  /** GET /v1/job/:id/summary: counts of allocation client states per group, children for parents. */
  summary(job: StoredJob): JobSummary {
    const groups: Record<string, TaskGroupSummary> = {};
    for (const group of groupsOf(job))
      groups[String(group.Name)] = { Queued: 0, Complete: 0, Failed: 0, Running: 0, Starting: 0, Lost: 0, Unknown: 0 };
    for (const alloc of this.state.allocsOf(job.Namespace, job.ID)) {
      const counts = groups[alloc.TaskGroup];
      if (!counts) continue;
      const key = (
        {
          pending: 'Starting',
          running: 'Running',
          complete: 'Complete',
          failed: 'Failed',
          lost: 'Lost',
          unknown: 'Unknown',
        } as const
      )[alloc.ClientStatus as 'pending'];
      if (key) counts[key] += 1;
    }
    const parent = job.Periodic || (job.ParameterizedJob && !job.Dispatched);
    const children = this.state.childrenOf(job.Namespace, job.ID);
    return {
      JobID: job.ID,
      Namespace: job.Namespace,
      Summary: groups,
      Children: parent
        ? {
            Pending: children.filter((c) => c.Status === 'pending').length,
            Running: children.filter((c) => c.Status === 'running').length,
            Dead: children.filter((c) => c.Status === 'dead').length,
          }
        : { Pending: 0, Running: 0, Dead: 0 },
      CreateIndex: job.CreateIndex,
      ModifyIndex: Math.max(job.ModifyIndex, ...this.state.allocsOf(job.Namespace, job.ID).map((a) => a.ModifyIndex)),
    };
  }
}

/** An allocation can be updated in place when its task group is unchanged apart from Count. */
function sameGroup(alloc: Allocation, group: Obj): boolean {
  const old = ((alloc.Job?.TaskGroups ?? []) as Obj[]).find((g) => g.Name === group.Name);
  if (!old) return false;
  return isDeepStrictEqual({ ...old, Count: 0 }, { ...group, Count: 0 });
}
