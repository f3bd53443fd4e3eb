import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { ACL } from './acl.js';
import { requirementOf } from './acl-policy.js';
import { aclRoutes } from './routes/acl.js';
import type { Sim } from './context.js';
import { Faults, type AllocFault, type RequestFault } from './faults.js';
import { namespaceOf, textError } from './http.js';
import { JobStore } from './jobs.js';
import { Lifecycle } from './lifecycle.js';
import { Scheduler, type SimNode } from './scheduler.js';
import { SimError, SimState } from './state.js';
import { VariableStore } from './variables.js';
import { clusterRoutes } from './routes/cluster.js';
import { controlRoutes } from './routes/control.js';
import { eventRoutes } from './routes/events.js';
import { jobItemRoutes } from './routes/job.js';
import { jobRoutes } from './routes/jobs.js';
import { nodeRoutes } from './routes/nodes.js';
import { operationRoutes } from './routes/operations.js';
import { scalingRoutes } from './routes/scale.js';
import { systemRoutes } from './routes/system.js';
import { variableRoutes } from './routes/vars.js';
import { registerParseRoute } from './parse-route.js';

export type SimOptions = {
  state?: SimState;
  /** The agent's region (jobs in `global` are stored there). Default `global`. */
  region?: string;
  /** Turns ACLs on, with this secret as the bootstrap management token. */
  aclBootstrapToken?: string;
  /** Turns ACLs on without a token: `POST /v1/acl/bootstrap` creates the first one. */
  acl?: boolean;
  /** Number of simulated client nodes (system jobs run one allocation on each). Default 1. */
  nodes?: number;
  /** How long allocations stay pending, and running before they report health. Default 200 ms. */
  allocDelayMs?: number;
  /** Event-stream heartbeat period. Default 30 s, as Nomad. */
  heartbeatMs?: number;
  /** Allocations that fail from the start (as `/_sim/faults/allocations`). */
  failAllocations?: AllocFault[];
  /** Requests that fail from the start (as `/_sim/faults/errors`). */
  failRequests?: RequestFault[];
  /** Latency added to every /v1 request. */
  latencyMs?: number;
  /** Nomad version reported by /v1/agent/self. */
  version?: string;
  /** Smallest lock TTL and LockDelay accepted (Nomad: 10 s); tests lower it to see expiry quickly. */
  minLockTtlMs?: number;
};

/** The simulator's HTTP API: Nomad's paths, casing, status codes and headers, plus `/_sim` controls. */
export function createSimApp(options: SimOptions = {}): { app: Hono; state: SimState; sim: Sim } {
  const state = options.state ?? new SimState(options.region);
  const nodes: SimNode[] = Array.from({ length: Math.max(1, options.nodes ?? 1) }, (_, i) => ({
    ID: randomUUID(),
    Name: `sim-node-${i + 1}`,
    Datacenter: 'dc1',
    SchedulingEligibility: 'eligible',
  }));
  const faults = new Faults();
  for (const fault of options.failAllocations ?? []) faults.addAllocFault(fault);
  for (const fault of options.failRequests ?? []) faults.addRequestFault(fault);
  faults.latency = { ms: options.latencyMs ?? 0 };
  const scheduler = new Scheduler(state, { nodes, allocDelayMs: options.allocDelayMs ?? 200, failures: faults });
  const jobs = new JobStore(state, scheduler);
  const sim: Sim = {
    state,
    jobs,
    scheduler,
    lifecycle: new Lifecycle(state, scheduler, jobs),
    variables: new VariableStore(state, options.minLockTtlMs),
    acl: new ACL(options.aclBootstrapToken, options.acl),
    faults,
    nodes,
    version: options.version ?? '1.10.5',
    heartbeatMs: options.heartbeatMs ?? 30_000,
  };
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof SimError && error.jsonBody !== undefined)
      return c.json(error.jsonBody as object, error.status as 409);
    if (error instanceof SimError) return textError(c, error.status, error.message);
    return textError(c, 500, error.message);
  });
  app.use('/v1/*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    const latency = faults.latencyFor(path);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = faults.takeRequestFault(c.req.method, path);
    if (fault) return textError(c, fault.status, fault.body ?? 'injected fault');
    if (path !== '/v1/acl/token/self') sim.acl.authorize(c, requirementOf(c.req.method, path, namespaceOf(c)));
    await next();
  });
  registerParseRoute(app);
  jobRoutes(app, sim);
  jobItemRoutes(app, sim);
  clusterRoutes(app, sim);
  nodeRoutes(app, sim);
  operationRoutes(app, sim);
  scalingRoutes(app, sim);
  systemRoutes(app, sim);
  aclRoutes(app, sim); // after systemRoutes: /v1/acl/token/self before /v1/acl/token/:accessor
  variableRoutes(app, sim);
  eventRoutes(app, sim);
  controlRoutes(app, sim);
  app.notFound((c) => textError(c, 404, 'Invalid URL'));
  return { app, state, sim };
}

export type RunningSim = { url: string; state: SimState; sim: Sim; close(): Promise<void> };

/** Starts the simulator on host:port (port 0 picks a free one). */
export function startSim(options: SimOptions & { host?: string; port?: number } = {}): Promise<RunningSim> {
  const { app, state, sim } = createSimApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 4646 }, (info) => {
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
          state,
          sim,
          close: () =>
            new Promise<void>((done) => {
              sim.scheduler.close();
              sim.variables.close();
              state.broker.dropAll();
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
