import type { Health } from '../domain/app.js';
import type { NomadJob } from '../domain/job.js';

/** The parts of Nomad's Deployment that health reads. */
export type DeploymentInfo = {
  ID: string;
  JobVersion: number;
  JobCreateIndex: number;
  Status: string;
  StatusDescription?: string;
  TaskGroups?: Record<
    string,
    {
      DesiredTotal?: number;
      HealthyAllocs?: number;
      UnhealthyAllocs?: number;
      PlacedAllocs?: number;
      DesiredCanaries?: number;
      Promoted?: boolean;
      AutoRevert?: boolean;
    }
  > | null;
};

/** The parts of Nomad's AllocListStub that health reads. */
export type AllocationInfo = {
  ID: string;
  TaskGroup: string;
  JobVersion: number;
  DesiredStatus: string;
  ClientStatus: string;
};

/** The parts of Nomad's JobSummary that health reads. */
export type JobSummaryInfo = {
  Summary?: Record<
    string,
    {
      Queued?: number;
      Complete?: number;
      Failed?: number;
      Running?: number;
      Starting?: number;
      Lost?: number;
      Unknown?: number;
    }
  > | null;
  Children?: { Pending?: number; Running?: number; Dead?: number } | null;
};

export type HealthInput = {
  job: NomadJob | undefined;
  deployment?: DeploymentInfo | null;
  allocations?: AllocationInfo[];
  summary?: JobSummaryInfo | null;
};

const ACTIVE_DEPLOYMENT = new Set(['running', 'pending', 'initializing', 'blocked', 'unblocking']);

/**
 * A job's health from what Nomad reports (reference §6): deployments for service jobs,
 * allocations for system jobs and where no deployment applies, the summary for batch jobs,
 * and the parent's state for periodic and parameterized jobs.
 */
export function jobHealth(input: HealthInput): Health {
  const { job } = input;
  if (!job) return { status: 'Missing', message: 'job is not registered in Nomad' };
  if (job.Stop === true) return { status: 'Suspended', message: 'job is stopped' };
  if (job.Periodic || job.ParameterizedJob) return parentHealth(job, input.summary);
  const type = String(job.Type ?? 'service');
  if (type === 'batch' || type === 'sysbatch') return batchHealth(input.summary, type);
  if (type === 'service') {
    const fromDeployment = deploymentHealth(job, input.deployment);
    if (fromDeployment) return fromDeployment;
  }
  return allocationHealth(job, input.allocations ?? []);
}

function parentHealth(job: NomadJob, summary: JobSummaryInfo | null | undefined): Health {
  const kind = job.Periodic ? 'periodic' : 'parameterized';
  const children = summary?.Children;
  const detail = children
    ? `: ${children.Running ?? 0} running, ${children.Pending ?? 0} pending, ${children.Dead ?? 0} finished children`
    : '';
  return { status: 'Healthy', message: `${kind} job is registered${detail}` };
}

function batchHealth(summary: JobSummaryInfo | null | undefined, type: string): Health {
  const groups = Object.values(summary?.Summary ?? {});
  const sum = (key: 'Queued' | 'Starting' | 'Running' | 'Failed' | 'Complete' | 'Lost') =>
    groups.reduce((n, g) => n + (g[key] ?? 0), 0);
  if (sum('Failed') + sum('Lost') > 0)
    return { status: 'Degraded', message: `${type} job: ${sum('Failed')} failed, ${sum('Lost')} lost allocation(s)` };
  if (sum('Queued') + sum('Starting') + sum('Running') > 0) {
    return {
      status: 'Progressing',
      message: `${type} job: ${sum('Running')} running, ${sum('Queued') + sum('Starting')} waiting`,
    };
  }
  if (sum('Complete') > 0) return { status: 'Healthy', message: `${type} job completed` };
  return { status: 'Progressing', message: `${type} job has not started yet` };
}

/**
 * True when the deployment alone gives a service job's health (running, paused or failed), so
 * its allocations need not be read: jobHealth would not look at them.
 */
export function deploymentDecides(job: NomadJob, deployment: DeploymentInfo | undefined): boolean {
  return String(job.Type ?? 'service') === 'service' && deploymentHealth(job, deployment) !== undefined;
}

/** Health from the latest deployment of the job's current life, or undefined when there is none. */
function deploymentHealth(job: NomadJob, deployment: DeploymentInfo | null | undefined): Health | undefined {
  if (!deployment || deployment.JobCreateIndex !== job.CreateIndex) return undefined;
  const groups = Object.values(deployment.TaskGroups ?? {});
  const healthy = groups.reduce((n, g) => n + (g.HealthyAllocs ?? 0), 0);
  const unhealthy = groups.reduce((n, g) => n + (g.UnhealthyAllocs ?? 0), 0);
  const desired = groups.reduce((n, g) => n + (g.DesiredTotal ?? 0), 0);
  const version = `version ${deployment.JobVersion}`;
  if (ACTIVE_DEPLOYMENT.has(deployment.Status)) {
    const waitingPromotion = groups.some((g) => (g.DesiredCanaries ?? 0) > 0 && !g.Promoted);
    const state = waitingPromotion ? 'waiting for canary promotion' : 'running';
    return {
      status: 'Progressing',
      message: `deployment of ${version} ${state}: ${healthy}/${desired} allocs healthy`,
    };
  }
  if (deployment.Status === 'paused') return { status: 'Suspended', message: `deployment of ${version} is paused` };
  if (deployment.Status === 'failed') {
    const reverted = deployment.JobVersion !== job.Version ? `; job rolled back to version ${String(job.Version)}` : '';
    return {
      status: 'Degraded',
      message: `deployment of ${version} failed: ${unhealthy} alloc(s) unhealthy${reverted}`,
    };
  }
  // successful, or cancelled by a newer version: the allocations tell the rest.
  return undefined;
}

function allocationHealth(job: NomadJob, allocations: AllocationInfo[]): Health {
  const wanted = allocations.filter((a) => a.DesiredStatus === 'run');
  // Failures of an earlier version (a release that was rolled back) are history, not the job's state.
  const current = job.Version === undefined ? wanted : wanted.filter((a) => a.JobVersion === Number(job.Version));
  const failed = current.filter((a) => a.ClientStatus === 'failed' || a.ClientStatus === 'lost').length;
  if (failed > 0) return { status: 'Degraded', message: `${failed} allocation(s) failed or lost` };
  // Only allocations of the current version count as running: right after an update the old
  // ones still run, but the job is not there yet (the scheduler may not have acted).
  const desired =
    job.Type === 'system' ? current.length : (job.TaskGroups ?? []).reduce((n, g) => n + Number(g.Count ?? 1), 0);
  const running = current.filter((a) => a.ClientStatus === 'running').length;
  if (current.length === 0 && desired > 0)
    return {
      status: 'Progressing',
      message:
        wanted.length > 0 ? `waiting for allocations of version ${String(job.Version)}` : 'no allocations placed yet',
    };
  if (running < desired || current.some((a) => a.ClientStatus === 'pending'))
    return { status: 'Progressing', message: `${running}/${desired} allocations running` };
  return { status: 'Healthy', message: `${running}/${desired} allocations running` };
}
