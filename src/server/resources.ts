import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { AppSpec, JobStatus } from '../domain/app.js';
import type { AllocationNode, JobNode, ResourceTree } from '../domain/resources.js';
import type { NomadClient } from '../nomad/index.js';
import type { AllocationListStub } from '../nomad/types.js';
import type { Controller } from '../reconcile/controller.js';
import type { AuthEnv } from './auth/principal.js';

export type ResourcesDeps = {
  controller: Controller;
  nomadFor: (cluster: string) => NomadClient;
  /** Who may read it (the API passes requireRole('viewer')). */
  guard: MiddlewareHandler<AuthEnv>;
  /** The app the request names, or a 404 when it is unknown or outside the caller's scope. */
  appFor: (c: Context<AuthEnv>) => AppSpec;
};

/** Allocations kept per job: the newest, so a crash-looping job does not flood the page. */
const MAX_ALLOCS = 50;

/**
 * `GET /api/v1/apps/NAME/resources`: the app's jobs as Nomad runs them now, with their task
 * groups and allocations, for the UI's tree. Read live from Nomad on each call (viewer role).
 */
export function registerResources(api: Hono<AuthEnv>, deps: ResourcesDeps): void {
  api.get('/api/v1/apps/:name/resources', deps.guard, async (c) => {
    const spec = deps.appFor(c);
    const nomad = deps.nomadFor(spec.destination.cluster);
    const status = await deps.controller.status(spec.name);
    const jobs = await Promise.all((status?.jobs ?? []).map((job) => jobNode(nomad, job, spec.destination.region)));
    return c.json({ app: spec.name, jobs } satisfies ResourceTree);
  });
}

async function jobNode(nomad: NomadClient, status: JobStatus, region: string | undefined): Promise<JobNode> {
  const base: JobNode = {
    id: status.id,
    namespace: status.namespace,
    ...(status.file ? { file: status.file } : {}),
    sync: status.status,
    ...(status.health ? { health: status.health } : {}),
    groups: [],
  };
  if (status.status === 'Missing') return base;
  const options = { namespace: status.namespace, ...(region ? { region } : {}) };
  try {
    const { job } = await nomad.jobs.read(status.id, options);
    if (!job) return base;
    const periodic = Boolean(job.Periodic) || Boolean(job.ParameterizedJob);
    const allocs = periodic
      ? await childAllocations(nomad, status.id, options)
      : await ownAllocations(nomad, status.id, options);
    const groups = (job.TaskGroups ?? []).map((group) => {
      const name = String(group.Name ?? '');
      const mine = allocs.filter((a) => a.TaskGroup === name).sort((a, b) => b.CreateIndex - a.CreateIndex);
      return { name, count: Number(group.Count ?? 0), allocations: mine.slice(0, MAX_ALLOCS).map(allocationNode) };
    });
    return {
      ...base,
      type: String(job.Type ?? ''),
      status: String(job.Status ?? ''),
      version: Number(job.Version ?? 0),
      periodic,
      groups,
    };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  }
}

type Options = { namespace: string; region?: string };

async function ownAllocations(nomad: NomadClient, id: string, options: Options): Promise<AllocationListStub[]> {
  return (await nomad.jobs.allocations(id, options)).allocations;
}

/** A periodic or parameterized job has no allocations of its own: its children (`ID/periodic-...`) do. */
async function childAllocations(nomad: NomadClient, id: string, options: Options): Promise<AllocationListStub[]> {
  const { jobs } = await nomad.jobs.list({ ...options, prefix: `${id}/` });
  const children = jobs.filter((child) => child.ParentID === id).slice(-5);
  const lists = await Promise.all(children.map((child) => ownAllocations(nomad, child.ID, options)));
  return lists.flat();
}

function allocationNode(alloc: AllocationListStub): AllocationNode {
  const healthy = alloc.DeploymentStatus?.Healthy;
  return {
    id: alloc.ID,
    name: alloc.Name,
    node: alloc.NodeName,
    nodeId: alloc.NodeID,
    clientStatus: alloc.ClientStatus,
    desiredStatus: alloc.DesiredStatus,
    ...(typeof healthy === 'boolean' ? { healthy } : {}),
    jobVersion: alloc.JobVersion,
    ...(alloc.JobID.includes('/') ? { childJob: alloc.JobID } : {}),
    ...(alloc.CreateTime ? { createdAt: new Date(alloc.CreateTime / 1e6).toISOString() } : {}),
  };
}
