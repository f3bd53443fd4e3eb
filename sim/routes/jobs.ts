import type { Context, Hono } from 'hono';
import type { NomadJob } from '../../src/domain/job.js';
import { annotateDiff, jobDiff, taskForcesDestroy } from '../../src/nomad/job-diff.js';
import type { JobSubmission } from '../../src/nomad/jobs.js';
import type { DesiredUpdates, JobDiff } from '../../src/nomad/types.js';
import { admitJob } from '../../src/nomad/admit.js';
import type { Sim } from '../context.js';
import { compileFilter } from '../filter.js';
import { blockingRead, boolParam, field, jsonWrite, namespaceOf, readBody } from '../http.js';
import { admitOrThrow } from '../jobs.js';
import { isTerminalAlloc } from '../scheduler.js';
import { SimError, type StoredJob } from '../state.js';

/** GET/PUT /v1/jobs, /v1/validate/job, and the job CRUD and plan parts of /v1/job/:id. */
export function jobRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/jobs', (c) => listJobs(c, sim));
  app.on(['PUT', 'POST'], '/v1/jobs', (c) => register(c, sim));
  app.on(['PUT', 'POST'], '/v1/validate/job', async (c) => {
    const body = await readBody(c);
    const job = field(body, 'Job') as NomadJob | undefined;
    if (!job || typeof job !== 'object') throw new SimError(400, 'Job must be specified');
    const { errors, warnings } = admitJob(job, { namespace: namespaceOf(c), region: sim.state.region });
    return c.json({
      DriverConfigValidated: false,
      ValidationErrors: errors.length > 0 ? errors : null,
      Error: errors.length > 0 ? errors.join('\n') : '',
      Warnings: warnings.join('\n'),
    });
  });
  app.all('/v1/jobs', (c) => c.text('Invalid method', 405));
}

function listJobs(c: Context, sim: Sim): Promise<Response> {
  const prefix = c.req.query('prefix') ?? '';
  const withMeta = boolParam(c, 'meta');
  const filter = compileFilter(c.req.query('filter'));
  const perPage = Number(c.req.query('per_page') ?? 0);
  const nextToken = c.req.query('next_token') ?? '';
  return blockingRead(c, sim.state, () => {
    let jobs = sim.state.listJobs(namespaceOf(c)).filter((job) => job.ID.startsWith(prefix) && filter(job));
    if (nextToken) jobs = jobs.filter((job) => `${job.Namespace}.${job.ID}` >= nextToken);
    if (perPage > 0 && jobs.length > perPage) {
      const next = jobs[perPage]!;
      c.header('X-Nomad-NextToken', `${next.Namespace}.${next.ID}`);
      jobs = jobs.slice(0, perPage);
    }
    return {
      body: jobs.map((job) => listStub(sim, job, withMeta)),
      index: sim.state.tableIndex('jobs', 'job_summary'),
    };
  });
}

/** Register: `/v1/jobs` or `/v1/job/:id` (where the ID must match the path). */
export async function register(c: Context, sim: Sim, pathId?: string): Promise<Response> {
  const body = await readBody(c);
  const job = field(body, 'Job') as NomadJob | undefined;
  if (!job || typeof job !== 'object') throw new SimError(400, 'Job must be specified');
  const id = field(job as Record<string, unknown>, 'ID');
  if (typeof id !== 'string' || id === '') throw new SimError(400, "Job ID hasn't been provided");
  if (pathId !== undefined && pathId !== id) throw new SimError(400, 'Job ID does not match name');
  if (job.Type === 'system' && (job.TaskGroups ?? []).some((g) => g.Scaling))
    throw new SimError(400, 'Task groups with job type system do not support scaling blocks');
  const namespace =
    c.req.query('namespace') ||
    (field(body, 'Namespace') as string | undefined) ||
    (job.Namespace as string | undefined) ||
    'default';
  const result = sim.jobs.register(job, {
    namespace,
    enforceIndex: field(body, 'EnforceIndex') === true ? Number(field(body, 'JobModifyIndex') ?? 0) : undefined,
    submission: field(body, 'Submission') as JobSubmission | undefined,
    preserveCounts: field(body, 'PreserveCounts') === true,
    preserveResources: field(body, 'PreserveResources') === true,
  });
  return jsonWrite(c, { ...result, LastContact: 0, KnownLeader: false, NextToken: '' }, result.Index);
}

export function readJob(c: Context, sim: Sim, id: string): Promise<Response> {
  return blockingRead(
    c,
    sim.state,
    () => {
      const job = sim.state.getJob(namespaceOf(c), id);
      if (!job) throw new SimError(404, 'job not found');
      return { body: job, index: job.ModifyIndex };
    },
    () => sim.state.tableIndex('jobs'),
  );
}

export function deregister(c: Context, sim: Sim, id: string): Response {
  const purge = boolParam(c, 'purge');
  // Read as Nomad reads them, so a bad value is a 400; one region and no shutdown delays here.
  for (const name of ['global', 'eager_gc', 'no_shutdown_delay']) boolParam(c, name);
  const result = sim.jobs.deregister(namespaceOf(c), id, purge);
  return jsonWrite(
    c,
    {
      EvalID: result.EvalID,
      EvalCreateIndex: result.EvalCreateIndex,
      JobModifyIndex: result.JobModifyIndex,
      VolumeEvalID: '',
      VolumeEvalIndex: 0,
      Index: result.Index,
      LastContact: 0,
      KnownLeader: false,
      NextToken: '',
    },
    result.Index,
  );
}

/** Plan: the register pipeline without the write, a contextual JobDiff and the scheduler's annotations. */
export async function plan(c: Context, sim: Sim, pathId: string): Promise<Response> {
  const body = await readBody(c);
  const input = field(body, 'Job') as NomadJob | undefined;
  if (!input || typeof input !== 'object') throw new SimError(400, 'Job must be specified');
  if (!input.ID) throw new SimError(400, 'Job must be specified');
  if (input.ID !== pathId) throw new SimError(400, 'Job ID does not match');
  const namespace = c.req.query('namespace') || (input.Namespace as string | undefined) || 'default';
  const job = admitOrThrow(sim.state, input, namespace);
  const existing = sim.state.getJob(job.Namespace, job.ID);
  const diff = jobDiff(existing, job, true);
  annotateDiff(diff);
  const updates = desiredUpdates(sim, job, existing, diff);
  for (const group of diff.TaskGroups ?? []) group.Updates = updateCounts(updates[group.Name]);
  return jsonWrite(
    c,
    {
      JobModifyIndex: existing?.JobModifyIndex ?? 0,
      CreatedEvals: null,
      Diff: field(body, 'Diff') === true ? diff : null,
      Annotations: { DesiredTGUpdates: updates, PreemptedAllocs: null },
      FailedTGAllocs: null,
      NextPeriodicLaunch: '0001-01-01T00:00:00Z',
      Warnings: '',
      Index: sim.state.index,
    },
    sim.state.index,
  );
}

function desiredUpdates(
  sim: Sim,
  job: StoredJob,
  existing: StoredJob | undefined,
  diff: JobDiff,
): Record<string, DesiredUpdates> {
  const zero = (): DesiredUpdates => ({
    Ignore: 0,
    Place: 0,
    Migrate: 0,
    Stop: 0,
    InPlaceUpdate: 0,
    DestructiveUpdate: 0,
    Canary: 0,
    Preemptions: 0,
    Disconnect: 0,
    Reconnect: 0,
    RescheduleNow: 0,
    RescheduleLater: 0,
  });
  const live = existing ? sim.state.allocsOf(existing.Namespace, existing.ID).filter((a) => !isTerminalAlloc(a)) : [];
  const out: Record<string, DesiredUpdates> = {};
  for (const group of diff.TaskGroups ?? []) {
    const u = zero();
    out[group.Name] = u;
    const spec = (job.TaskGroups ?? []).find((g) => g.Name === group.Name);
    const running = live.filter((a) => a.TaskGroup === group.Name).length;
    if (!spec) {
      u.Stop = running;
      continue;
    }
    const desired = sim.scheduler.desiredCount(job, spec);
    const kept = Math.min(running, desired);
    u.Place = Math.max(0, desired - running);
    u.Stop = Math.max(0, running - desired);
    const destructive =
      (group.Tasks ?? []).some(taskForcesDestroy) ||
      (group.Objects ?? []).some((o) => !['Update', 'Constraint', 'Affinity', 'Service', 'Scaling'].includes(o.Name));
    const edited =
      group.Type === 'Edited' &&
      (group.Objects !== null ||
        (group.Tasks ?? []).some((t) => t.Type !== 'None') ||
        (group.Fields ?? []).some((f) => f.Name !== 'Count'));
    const canary = Number((spec.Update as Record<string, unknown> | undefined)?.Canary ?? 0);
    if (!edited) u.Ignore = kept;
    else if (destructive && canary > 0 && kept > 0)
      Object.assign(u, { Canary: Math.min(canary, desired), Ignore: kept });
    else if (destructive) {
      // A rolling update replaces max_parallel allocations first; the rest show as ignored.
      const maxParallel =
        job.Type === 'service' ? Number((spec.Update as Record<string, unknown> | undefined)?.MaxParallel ?? 0) : 0;
      u.DestructiveUpdate = maxParallel > 0 ? Math.min(maxParallel, kept) : kept;
      u.Ignore = kept - u.DestructiveUpdate;
    } else u.InPlaceUpdate = kept;
  }
  return out;
}

function updateCounts(u: DesiredUpdates | undefined): Record<string, number> | null {
  if (!u) return null;
  const map: Record<string, number> = {};
  const pairs: Array<[string, number]> = [
    ['ignore', u.Ignore],
    ['create', u.Place],
    ['destroy', u.Stop],
    ['migrate', u.Migrate],
    ['canary', u.Canary],
    ['in-place update', u.InPlaceUpdate],
    ['create/destroy update', u.DestructiveUpdate],
  ];
  for (const [key, value] of pairs) if (value > 0) map[key] = value;
  return Object.keys(map).length > 0 ? map : null;
}

function listStub(sim: Sim, job: StoredJob, withMeta: boolean): Record<string, unknown> {
  const stub: Record<string, unknown> = {
    ID: job.ID,
    ParentID: job.ParentID ?? '',
    Name: job.Name,
    Namespace: job.Namespace,
    Datacenters: job.Datacenters,
    NodePool: job.NodePool,
    Multiregion: job.Multiregion ?? null,
    Type: job.Type,
    Priority: job.Priority,
    Periodic: job.Periodic != null,
    ParameterizedJob: job.ParameterizedJob != null,
    Stop: job.Stop,
    Status: job.Status,
    StatusDescription: job.StatusDescription ?? '',
    JobSummary: sim.scheduler.summary(job),
    CreateIndex: job.CreateIndex,
    ModifyIndex: job.ModifyIndex,
    JobModifyIndex: job.JobModifyIndex,
    SubmitTime: job.SubmitTime,
  };
  if (withMeta) stub.Meta = job.Meta ?? null;
  return stub;
}
