import { Hono, type Context } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { NomadJob } from '../src/domain/job.js';
import { SimError, SimState, type StoredJob } from './state.js';
import { boolParam, field, jsonRead, jsonWrite, readBody, textError } from './http.js';
import { registerParseRoute } from './parse-route.js';

export type SimOptions = {
  state?: SimState;
  region?: string;
};

/** The simulator's HTTP API: Nomad's paths, casing, status codes and headers. */
export function createSimApp(options: SimOptions = {}): { app: Hono; state: SimState } {
  const state = options.state ?? new SimState(options.region);
  const app = new Hono();
  const namespaceOf = (c: Context) => c.req.query('namespace') || 'default';

  app.onError((error, c) => {
    if (error instanceof SimError) return textError(c, error.status, error.message);
    return textError(c, 500, error.message);
  });

  app.get('/v1/jobs', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    const withMeta = boolParam(c.req.query('meta'));
    const jobs = state.listJobs(namespaceOf(c)).filter((job) => job.ID.startsWith(prefix));
    return jsonRead(c, jobs.map((job) => listStub(job, withMeta)), state.jobsTableIndex);
  });

  const register = async (c: Context, pathId?: string) => {
    const body = await readBody(c);
    const job = field(body, 'Job') as NomadJob | undefined;
    if (!job || typeof job !== 'object') return textError(c, 400, 'Job must be specified');
    const id = field(job as Record<string, unknown>, 'ID');
    if (typeof id !== 'string' || id === '') return textError(c, 400, "Job ID hasn't been provided");
    if (pathId !== undefined && pathId !== id) return textError(c, 400, 'Job ID does not match name');
    const namespace = c.req.query('namespace') || (field(body, 'Namespace') as string | undefined) || (job.Namespace as string | undefined) || 'default';
    const enforce = field(body, 'EnforceIndex') === true ? { index: Number(field(body, 'JobModifyIndex') ?? 0) } : undefined;
    const result = state.register(job, namespace, enforce);
    return jsonWrite(c, {
      EvalID: result.evalId,
      EvalCreateIndex: result.evalCreateIndex,
      JobModifyIndex: result.jobModifyIndex,
      Warnings: '',
      Index: result.evalCreateIndex,
      LastContact: 0,
      KnownLeader: false,
      NextToken: '',
    }, result.evalCreateIndex);
  };

  app.on(['PUT', 'POST'], '/v1/jobs', (c) => register(c));
  app.on(['PUT', 'POST'], '/v1/job/:id', (c) => register(c, c.req.param('id')));

  app.get('/v1/job/:id', (c) => {
    const job = state.getJob(namespaceOf(c), c.req.param('id'));
    if (!job) return textError(c, 404, 'job not found');
    return jsonRead(c, job, job.ModifyIndex);
  });

  app.delete('/v1/job/:id', (c) => {
    const result = state.deregister(namespaceOf(c), c.req.param('id'), boolParam(c.req.query('purge')));
    return jsonWrite(c, {
      EvalID: result.evalId,
      EvalCreateIndex: result.evalCreateIndex,
      JobModifyIndex: result.jobModifyIndex,
      VolumeEvalID: '',
      VolumeEvalIndex: 0,
      Index: result.evalCreateIndex,
      LastContact: 0,
      KnownLeader: false,
      NextToken: '',
    }, result.evalCreateIndex);
  });

  app.all('/v1/jobs', (c) => textError(c, 405, 'Invalid method'));
  app.all('/v1/job/:id', (c) => textError(c, 405, 'Invalid method'));
  app.notFound((c) => textError(c, 404, 'Invalid URL'));
  registerParseRoute(app);
  return { app, state };
}

function listStub(job: StoredJob, withMeta: boolean): Record<string, unknown> {
  const stub: Record<string, unknown> = {
    ID: job.ID,
    ParentID: (job.ParentID as string | undefined) ?? '',
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
    JobSummary: null,
    CreateIndex: job.CreateIndex,
    ModifyIndex: job.ModifyIndex,
    JobModifyIndex: job.JobModifyIndex,
    SubmitTime: job.SubmitTime,
  };
  if (withMeta) stub.Meta = job.Meta ?? null;
  return stub;
}

export type RunningSim = { url: string; state: SimState; close(): Promise<void> };

/** Starts the simulator on host:port (port 0 picks a free one). */
export function startSim(options: SimOptions & { host?: string; port?: number } = {}): Promise<RunningSim> {
  const { app, state } = createSimApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 4646 }, (info) => {
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
          state,
          close: () => new Promise<void>((done) => {
            server!.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
        });
      });
      server.once('error', reject);
    } catch (error) {
      reject(error);
    }
  });
}
