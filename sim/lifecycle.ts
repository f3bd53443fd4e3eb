import type { Allocation, Deployment } from '../src/nomad/types.js';
import { allocEvent, deploymentEvent, evalEvent, jobEvent, nowNs, type EventDraft, type SimState } from './state.js';
import { isActiveDeployment, type Scheduler } from './scheduler.js';
import type { JobStore } from './jobs.js';

/**
 * What the simulated clients and the deployment watcher do after a plan: allocations go
 * pending -> running (or failed, by fault injection) after the alloc delay, batch ones
 * complete one delay later, and running ones report healthy, which moves deployments to
 * successful (the version becomes Stable) or failed (with auto-revert).
 */
export class Lifecycle {
  constructor(
    private readonly state: SimState,
    private readonly scheduler: Scheduler,
    private readonly jobs: JobStore,
  ) {
    scheduler.onPlaced = (ids) => scheduler.later(scheduler.options.allocDelayMs, () => this.start(ids));
  }

  private start(ids: string[]): void {
    const started: Allocation[] = [];
    const alreadyRunning = ids
      .map((id) => this.state.allocs.get(id))
      .filter((a): a is Allocation => a?.ClientStatus === 'running' && a.DeploymentID !== '');
    this.state.commit(['allocs', 'jobs', 'job_summary'], (index) => {
      const events: EventDraft[] = [];
      for (const id of ids) {
        const alloc = this.state.allocs.get(id);
        if (!alloc || alloc.DesiredStatus !== 'run' || alloc.ClientStatus !== 'pending') continue;
        const failedTask = this.scheduler.options.failures.shouldFail(
          alloc.Namespace,
          alloc.JobID,
          alloc.TaskGroup,
          taskImages(alloc),
        );
        const updated =
          failedTask !== undefined
            ? this.withStates(alloc, 'failed', index, failedTask)
            : this.withStates(alloc, 'running', index);
        events.push(allocEvent('AllocationUpdated', updated));
        started.push(updated);
      }
      for (const jobKey of new Set(started.map((a) => `${a.Namespace}\u0000${a.JobID}`))) {
        const [namespace, jobId] = jobKey.split('\u0000') as [string, string];
        this.scheduler.refreshJob(namespace, jobId, index, 'AllocationUpdated', events);
      }
      return events;
    });
    const delay = this.scheduler.options.allocDelayMs;
    const batch = started.filter(
      (a) => a.ClientStatus === 'running' && (a.JobType === 'batch' || a.JobType === 'sysbatch'),
    );
    if (batch.length > 0) this.scheduler.later(delay, () => this.complete(batch.map((a) => a.ID)));
    const tracked = [...started, ...alreadyRunning].filter((a) => a.DeploymentID);
    if (tracked.length > 0) this.scheduler.later(delay, () => this.reportHealth(tracked.map((a) => a.ID)));
  }

  private withStates(
    alloc: Allocation,
    status: 'running' | 'failed' | 'complete',
    index: number,
    failedTask?: string,
  ): Allocation {
    const time = new Date().toISOString();
    const states = Object.fromEntries(
      Object.entries(alloc.TaskStates ?? {}).map(([task, s]) => {
        const failed = status === 'failed' && (failedTask === '' || failedTask === task);
        if (status === 'running') return [task, { ...s, State: 'running', StartedAt: time }];
        return [
          task,
          {
            ...s,
            State: failed || status === 'complete' ? 'dead' : s.State,
            Failed: failed,
            StartedAt: s.StartedAt ?? time,
            FinishedAt: time,
          },
        ];
      }),
    );
    const description =
      status === 'running' ? 'Tasks are running' : status === 'failed' ? 'Failed tasks' : 'All tasks have completed';
    const updated = {
      ...alloc,
      ClientStatus: status,
      ClientDescription: description,
      TaskStates: states,
      ModifyIndex: index,
      ModifyTime: nowNs(),
    };
    this.state.allocs.set(alloc.ID, updated);
    return updated;
  }

  private complete(ids: string[]): void {
    this.state.commit(['allocs', 'jobs', 'job_summary'], (index) => {
      const events: EventDraft[] = [];
      for (const id of ids) {
        const alloc = this.state.allocs.get(id);
        if (!alloc || alloc.ClientStatus !== 'running') continue;
        events.push(allocEvent('AllocationUpdated', this.withStates(alloc, 'complete', index)));
        this.scheduler.refreshJob(alloc.Namespace, alloc.JobID, index, 'AllocationUpdated', events);
      }
      return events;
    });
  }

  /**
   * `POST /v1/deployment/allocation-health`: health set by hand (for `health_check = "manual"`);
   * unknown or terminal allocations are skipped, as the reports of a finished deployment are.
   */
  markHealth(healthy: string[], unhealthy: string[]): void {
    const forced = new Map<string, boolean>([
      ...healthy.map((id) => [id, true] as const),
      ...unhealthy.map((id) => [id, false] as const),
    ]);
    this.reportHealth([...forced.keys()], forced);
  }

  /** Pauses or resumes a deployment; a paused one starts no further batch of a rolling update. */
  pause(deploymentId: string, pause: boolean): number {
    const deployment = this.state.deployments.get(deploymentId)!;
    const index = this.state.commit(['deployment'], (i) => {
      const next = {
        ...deployment,
        Status: pause ? 'paused' : 'running',
        StatusDescription: pause ? 'Deployment is paused' : 'Deployment is running',
        ModifyIndex: i,
        ModifyTime: nowNs(),
      };
      this.state.deployments.set(next.ID, next);
      return [deploymentEvent('DeploymentStatusUpdate', next)];
    });
    if (!pause) {
      this.settle(deploymentId);
      this.continueRollout(deploymentId);
    }
    return index;
  }

  /** Healthy when running, unhealthy when failed (or as `forced` says); then the deployment may finish. */
  private reportHealth(ids: string[], forced?: Map<string, boolean>): void {
    const touched = new Set<string>();
    this.state.commit(['allocs', 'deployment'], (index) => {
      const events: EventDraft[] = [];
      for (const id of ids) {
        const alloc = this.state.allocs.get(id);
        const deployment = alloc && this.state.deployments.get(alloc.DeploymentID);
        if (!alloc || !deployment || !isActiveDeployment(deployment)) continue;
        const healthy = forced?.get(id) ?? alloc.ClientStatus === 'running';
        const canary = alloc.DeploymentStatus?.Canary === true;
        const updated = {
          ...alloc,
          DeploymentStatus: {
            Healthy: healthy,
            Timestamp: new Date().toISOString(),
            Canary: canary,
            ModifyIndex: index,
          },
          ModifyIndex: index,
        };
        this.state.allocs.set(id, updated);
        events.push(allocEvent('DeploymentAllocHealth', updated));
        const groups = structuredClone(deployment.TaskGroups);
        const group = groups[alloc.TaskGroup];
        if (group) group[healthy ? 'HealthyAllocs' : 'UnhealthyAllocs'] += 1;
        const next = { ...deployment, TaskGroups: groups, ModifyIndex: index };
        this.state.deployments.set(next.ID, next);
        events.push(deploymentEvent('DeploymentAllocHealth', next));
        touched.add(next.ID);
      }
      return events;
    });
    for (const id of touched) {
      this.settle(id);
      this.continueRollout(id);
    }
  }

  /** A rolling update goes on once new allocations are healthy: the deployment watcher asks for another eval. */
  private continueRollout(deploymentId: string): void {
    const deployment = this.state.deployments.get(deploymentId);
    if (!deployment || !isActiveDeployment(deployment) || deployment.Status === 'paused') return;
    if (Object.values(deployment.TaskGroups).some((g) => g.DesiredCanaries > 0 && !g.Promoted)) return;
    const job = this.state.getJob(deployment.Namespace, deployment.JobID);
    if (!job || job.Version !== deployment.JobVersion) return;
    const live = this.state
      .allocsOf(job.Namespace, job.ID)
      .filter((a) => a.DesiredStatus === 'run' && a.ClientStatus !== 'complete' && a.ClientStatus !== 'failed');
    const outdated = live.some((a) => a.JobVersion !== job.Version);
    // An old allocation that failed instead of being replaced leaves a gap the next eval must fill.
    const missing = Object.entries(deployment.TaskGroups).some(
      ([group, g]) => live.filter((a) => a.TaskGroup === group && a.JobVersion === job.Version).length < g.DesiredTotal,
    );
    if (!outdated && !missing) return;
    let evalId = '';
    this.state.commit(['evals'], (index) => {
      const evaluation = this.scheduler.createEval(job, 'deployment-watcher', index, deployment.ID);
      evalId = evaluation.ID;
      return [evalEvent('DeploymentAllocHealth', evaluation)];
    });
    this.scheduler.enqueue(evalId);
  }

  /** Decides a deployment once its allocations have reported: fail, promote canaries, or succeed. */
  private settle(deploymentId: string): void {
    const deployment = this.state.deployments.get(deploymentId);
    if (!deployment || !isActiveDeployment(deployment) || deployment.Status === 'paused') return;
    const groups = Object.values(deployment.TaskGroups);
    if (groups.some((g) => g.UnhealthyAllocs > 0))
      return this.fail(deploymentId, 'Failed due to unhealthy allocations');
    const canariesReady = groups.every(
      (g) => g.DesiredCanaries === 0 || g.Promoted || g.HealthyAllocs >= g.DesiredCanaries,
    );
    const waiting = groups.filter((g) => g.DesiredCanaries > 0 && !g.Promoted);
    if (waiting.length > 0) {
      if (canariesReady && waiting.every((g) => g.AutoPromote)) this.promote(deploymentId);
      return;
    }
    if (groups.every((g) => g.HealthyAllocs >= g.DesiredTotal)) this.succeed(deployment);
  }

  private succeed(deployment: Deployment): void {
    this.state.commit(['deployment', 'jobs', 'job_version'], (index) => {
      const done = this.scheduler.endDeployment(deployment, 'successful', 'Deployment completed successfully', index);
      const events = [deploymentEvent('DeploymentStatusUpdate', done)];
      const job = this.state.getJob(deployment.Namespace, deployment.JobID);
      if (job && job.Version === deployment.JobVersion) {
        const stable = { ...job, Stable: true, ModifyIndex: index };
        this.state.jobs.set(this.state.key(job.Namespace, job.ID), stable);
        const key = this.state.key(job.Namespace, job.ID);
        this.state.versions.set(
          key,
          this.state
            .jobVersions(job.Namespace, job.ID)
            .map((v) => (v.Version === job.Version ? { ...v, Stable: true } : v)),
        );
        events.push(jobEvent('DeploymentStatusUpdate', stable));
      }
      this.scheduler.refreshJob(deployment.Namespace, deployment.JobID, index, 'DeploymentStatusUpdate', events);
      return events;
    });
  }

  /** Fails a deployment; with auto_revert, registers the latest stable version again. */
  fail(deploymentId: string, reason: string): void {
    const deployment = this.state.deployments.get(deploymentId);
    if (!deployment || !isActiveDeployment(deployment)) return;
    const autoRevert = Object.values(deployment.TaskGroups).some((g) => g.AutoRevert);
    const stable = autoRevert
      ? this.state
          .jobVersions(deployment.Namespace, deployment.JobID)
          .find((v) => v.Stable && v.Version < deployment.JobVersion)
      : undefined;
    const suffix = !autoRevert
      ? ''
      : stable
        ? ` - rolling back to job version ${stable.Version}`
        : ' - no stable job version to auto revert to';
    this.state.commit(['deployment', 'jobs'], (index) => {
      const events = [
        deploymentEvent(
          'DeploymentStatusUpdate',
          this.scheduler.endDeployment(deployment, 'failed', reason + suffix, index),
        ),
      ];
      this.scheduler.refreshJob(deployment.Namespace, deployment.JobID, index, 'DeploymentStatusUpdate', events);
      return events;
    });
    if (stable)
      this.jobs.revert(deployment.Namespace, deployment.JobID, stable.Version, undefined, 'deployment-watcher');
  }

  /** Promotes the canaries and asks the scheduler to replace the remaining old allocations. */
  promote(deploymentId: string): { EvalID: string; EvalCreateIndex: number; DeploymentModifyIndex: number } {
    const deployment = this.state.deployments.get(deploymentId)!;
    let evalId = '';
    const index = this.state.commit(['deployment', 'evals'], (i) => {
      const groups = structuredClone(deployment.TaskGroups);
      for (const group of Object.values(groups)) if (group.DesiredCanaries > 0) group.Promoted = true;
      const promoted = {
        ...deployment,
        TaskGroups: groups,
        StatusDescription: 'Deployment is running',
        ModifyIndex: i,
      };
      this.state.deployments.set(promoted.ID, promoted);
      const events: EventDraft[] = [deploymentEvent('DeploymentPromotion', promoted)];
      const job = this.state.getJob(deployment.Namespace, deployment.JobID);
      if (job) {
        const evaluation = this.scheduler.createEval(job, 'deployment-watcher', i, deployment.ID);
        evalId = evaluation.ID;
        events.push(evalEvent('DeploymentPromotion', evaluation));
      }
      return events;
    });
    if (evalId) this.scheduler.enqueue(evalId);
    return { EvalID: evalId, EvalCreateIndex: index, DeploymentModifyIndex: index };
  }
}

/** The `image` of each task in the allocation's group, as the docker driver would pull it. */
function taskImages(alloc: Allocation): string[] {
  const groups = (alloc.Job?.TaskGroups ?? []) as Array<Record<string, unknown>>;
  const group = groups.find((g) => g.Name === alloc.TaskGroup);
  return ((group?.Tasks ?? []) as Array<{ Config?: { image?: unknown } }>)
    .map((t) => t.Config?.image)
    .filter((i): i is string => typeof i === 'string');
}
