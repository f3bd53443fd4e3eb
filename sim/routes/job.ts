import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { NomadJob } from '../../src/domain/job.js';
import { jobDiff } from '../../src/nomad/job-diff.js';
import type { Sim } from '../context.js';
import {
  blockingRead,
  boolParam,
  field,
  jsonWrite,
  namespaceOf,
  readBody,
  readOptionalBody,
  uintParam,
} from '../http.js';
import { SimError } from '../state.js';
import { deregister, plan, readJob, register } from './jobs.js';
import { evaluateJob, scaleJob, scaleStatus } from './scale.js';

type Handler = (c: Context, sim: Sim, id: string) => Response | Promise<Response>;
type Route = { suffix: string; methods: string[]; handler: Handler };

/**
 * `/v1/job/<id>[/<sub>]`, matched by suffix the way Nomad's HTTP handler does, so IDs that
 * contain slashes (periodic and dispatch children) work whether or not they are encoded.
 */
const ROUTES: Route[] = [
  { suffix: '/periodic/force', methods: ['PUT', 'POST'], handler: periodicForce },
  {
    suffix: '/allocations',
    methods: ['GET'],
    handler: (c, sim, id) => {
      boolParam(c, 'all'); // every allocation is kept: `all` changes nothing here
      return listOf(c, sim, () => sim.state.allocsOf(namespaceOf(c), id).map(stubOf), 'allocs');
    },
  },
  {
    suffix: '/evaluations',
    methods: ['GET'],
    handler: (c, sim, id) => listOf(c, sim, () => sim.state.evalsOf(namespaceOf(c), id), 'evals'),
  },
  {
    suffix: '/deployments',
    methods: ['GET'],
    handler: (c, sim, id) => listOf(c, sim, () => sim.state.deploymentsOf(namespaceOf(c), id), 'deployment'),
  },
  { suffix: '/deployment', methods: ['GET'], handler: latestDeployment },
  { suffix: '/plan', methods: ['PUT', 'POST'], handler: plan },
  { suffix: '/summary', methods: ['GET'], handler: summary },
  { suffix: '/dispatch', methods: ['PUT', 'POST'], handler: dispatch },
  { suffix: '/versions', methods: ['GET'], handler: versions },
  { suffix: '/revert', methods: ['PUT', 'POST'], handler: revert },
  { suffix: '/stable', methods: ['PUT', 'POST'], handler: stable },
  { suffix: '/submission', methods: ['GET'], handler: submission },
  { suffix: '/evaluate', methods: ['PUT', 'POST'], handler: evaluateJob },
  {
    suffix: '/scale',
    methods: ['GET', 'PUT', 'POST'],
    handler: (c, sim, id) => (c.req.method === 'GET' ? scaleStatus(c, sim, id) : scaleJob(c, sim, id)),
  },
];

/**
 * Sub-resources Nomad serves that the simulator does not: 404, never read as part of a job ID
 * (`POST /v1/job/x/evaluate` must not register a job named `x/evaluate`).
 */
const NOT_IMPLEMENTED = ['/services', '/actions', '/action', '/tag'];

export function jobItemRoutes(app: Hono, sim: Sim): void {
  app.all('/v1/job/*', async (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname).slice('/v1/job/'.length);
    const method = c.req.method;
    const route = ROUTES.find((r) => path.endsWith(r.suffix) && path.length > r.suffix.length);
    if (route) {
      if (!route.methods.includes(method)) return c.text('Invalid method', 405);
      return route.handler(c, sim, path.slice(0, -route.suffix.length));
    }
    const missing = NOT_IMPLEMENTED.find((suffix) => path.endsWith(suffix) && path.length > suffix.length);
    if (missing) return c.text(`Invalid URL: the simulator does not implement ${method} /v1/job/:id${missing}`, 404);
    if (method === 'GET') return readJob(c, sim, path);
    if (method === 'PUT' || method === 'POST') return register(c, sim, path);
    if (method === 'DELETE') return deregister(c, sim, path);
    return c.text('Invalid method', 405);
  });
}

function listOf(c: Context, sim: Sim, list: () => unknown[], table: string): Promise<Response> {
  return blockingRead(c, sim.state, () => ({ body: list(), index: sim.state.tableIndex(table) }));
}

function stubOf(alloc: Record<string, unknown>): Record<string, unknown> {
  const {
    Job: _job,
    Resources: _r,
    Metrics: _m,
    AllocModifyIndex: _a,
    DeploymentID: _d,
    PreviousAllocation: _p,
    ...stub
  } = alloc;
  return stub;
}

function latestDeployment(c: Context, sim: Sim, id: string): Promise<Response> {
  return blockingRead(c, sim.state, () => ({
    body: sim.state.deploymentsOf(namespaceOf(c), id)[0] ?? null,
    index: sim.state.tableIndex('deployment'),
  }));
}

function summary(c: Context, sim: Sim, id: string): Promise<Response> {
  return blockingRead(
    c,
    sim.state,
    () => {
      const job = sim.state.getJob(namespaceOf(c), id);
      if (!job) throw new SimError(404, 'job not found');
      const result = sim.scheduler.summary(job);
      return { body: result, index: result.ModifyIndex };
    },
    () => sim.state.tableIndex('job_summary'),
  );
}

function versions(c: Context, sim: Sim, id: string): Promise<Response> {
  const withDiffs = boolParam(c, 'diffs');
  return blockingRead(c, sim.state, () => {
    const list = sim.state.jobVersions(namespaceOf(c), id);
    if (list.length === 0) throw new SimError(404, 'job versions not found');
    const diffs = withDiffs ? list.slice(0, -1).map((job, i) => jobDiff(list[i + 1], job, false)) : null;
    return {
      body: {
        Versions: list,
        Diffs: diffs,
        Index: list[0]!.ModifyIndex,
        LastContact: 0,
        KnownLeader: true,
        NextToken: '',
      },
      index: Math.max(...list.map((j) => j.ModifyIndex)),
    };
  });
}

async function revert(c: Context, sim: Sim, id: string): Promise<Response> {
  const body = await readBody(c);
  if (field(body, 'JobID') !== undefined && field(body, 'JobID') !== id)
    throw new SimError(400, 'Job ID does not match');
  const prior = field(body, 'EnforcePriorVersion');
  const result = sim.jobs.revert(
    namespaceOf(c),
    id,
    Number(field(body, 'JobVersion') ?? 0),
    prior === undefined || prior === null ? undefined : Number(prior),
  );
  return jsonWrite(c, { ...result, LastContact: 0, KnownLeader: false, NextToken: '' }, result.Index);
}

async function stable(c: Context, sim: Sim, id: string): Promise<Response> {
  const body = await readBody(c);
  const result = sim.jobs.setStable(
    namespaceOf(c),
    id,
    Number(field(body, 'JobVersion') ?? 0),
    field(body, 'Stable') === true,
  );
  return jsonWrite(c, result, result.Index);
}

function submission(c: Context, sim: Sim, id: string): Promise<Response> {
  const version = uintParam(c.req.query('version'), 'Unable to parse version');
  if (version === undefined) throw new SimError(400, 'Unable to parse version');
  return blockingRead(c, sim.state, () => {
    const found = sim.state.submissions.get(`${sim.state.key(namespaceOf(c), id)}\u0000${version}`);
    if (!found) throw new SimError(404, 'job source not found');
    return { body: found, index: found.JobModifyIndex };
  });
}

/** A periodic parent launches a child `<id>/periodic-<unix seconds>` now. */
function periodicForce(c: Context, sim: Sim, id: string): Response {
  const parent = sim.state.getJob(namespaceOf(c), id);
  if (!parent) throw new SimError(404, 'job not found');
  if (!parent.Periodic) throw new SimError(500, `job "${id}" is not periodic`);
  let seconds = Math.floor(Date.now() / 1000);
  while (sim.state.getJob(parent.Namespace, `${id}/periodic-${seconds}`)) seconds++;
  const child = {
    ...structuredClone(parent),
    ID: `${id}/periodic-${seconds}`,
    Name: `${id}/periodic-${seconds}`,
    ParentID: id,
    Periodic: null,
  };
  const result = sim.jobs.register(child, { namespace: parent.Namespace, triggeredBy: 'periodic-job' });
  return jsonWrite(
    c,
    { EvalID: result.EvalID, EvalCreateIndex: result.EvalCreateIndex, Index: result.Index },
    result.Index,
  );
}

/** A parameterized parent launches a child `<id>/dispatch-<unix>-<8 hex>` with the payload and meta. */
async function dispatch(c: Context, sim: Sim, id: string): Promise<Response> {
  const body = await readOptionalBody(c);
  const parent = sim.state.getJob(namespaceOf(c), id);
  if (!parent) throw new SimError(404, 'job not found');
  const config = parent.ParameterizedJob as
    { Payload?: string; MetaRequired?: string[] | null; MetaOptional?: string[] | null } | null | undefined;
  if (!config || parent.Dispatched) throw new SimError(500, `Specified job "${id}" is not a parameterized job`);
  const meta = (field(body, 'Meta') ?? {}) as Record<string, string>;
  const missing = (config.MetaRequired ?? []).filter((key) => !(key in meta));
  if (missing.length > 0)
    throw new SimError(500, `Dispatch did not provide required meta keys: [${missing.join(' ')}]`);
  const payload = field(body, 'Payload') as string | null | undefined;
  if (config.Payload === 'required' && !payload) throw new SimError(500, 'Payload is not empty and job requires one');
  const childId = `${id}/dispatch-${Math.floor(Date.now() / 1000)}-${randomBytes(4).toString('hex')}`;
  const child: NomadJob = {
    ...structuredClone(parent),
    ID: childId,
    Name: childId,
    ParentID: id,
    Dispatched: true,
    Payload: payload ?? null,
    Meta: { ...(parent.Meta ?? {}), ...meta },
  };
  const result = sim.jobs.register(child, { namespace: parent.Namespace });
  const created = sim.state.getJob(parent.Namespace, childId)!;
  return jsonWrite(
    c,
    {
      DispatchedJobID: childId,
      EvalID: result.EvalID,
      EvalCreateIndex: result.EvalCreateIndex,
      JobCreateIndex: created.CreateIndex,
      Index: result.Index,
    },
    result.Index,
  );
}
