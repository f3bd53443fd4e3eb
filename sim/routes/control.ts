import type { Hono } from 'hono';
import type { Sim } from '../context.js';
import { field, readOptionalBody } from '../http.js';
import { SimError } from '../state.js';

/**
 * The simulator's own control API under `/_sim` (never part of Nomad's): fault injection
 * for the demo, tests and benchmarks. JSON in, JSON out.
 */
export function controlRoutes(app: Hono, sim: Sim): void {
  app.get('/_sim/faults', (c) => c.json(sim.faults.describe()));
  app.delete('/_sim/faults', (c) => {
    sim.faults.clear();
    return c.json({ cleared: true });
  });
  // {"path": "/v1/jobs", "method": "GET", "status": 500, "count": 2, "body": "..."}: the next N matching requests fail.
  app.post('/_sim/faults/errors', async (c) => {
    const body = await readOptionalBody(c);
    const path = String(field(body, 'path') ?? '');
    const status = Number(field(body, 'status') ?? 500);
    const count = Number(field(body, 'count') ?? 1);
    if (!path.startsWith('/')) throw new SimError(400, 'path must start with /');
    if (!(status >= 400 && status <= 599) || !(count >= 1))
      throw new SimError(400, 'status must be 400-599 and count at least 1');
    const method = field(body, 'method') as string | undefined;
    sim.faults.addRequestFault({
      path,
      status,
      count,
      ...(method ? { method } : {}),
      body: String(field(body, 'body') ?? 'injected fault'),
    });
    return c.json(sim.faults.describe());
  });
  // {"ms": 200, "path": "/v1/job"}: every matching request waits that long first (ms 0 turns it off).
  app.post('/_sim/faults/latency', async (c) => {
    const body = await readOptionalBody(c);
    const ms = Number(field(body, 'ms') ?? 0);
    if (!(ms >= 0)) throw new SimError(400, 'ms must be >= 0');
    const path = field(body, 'path') as string | undefined;
    sim.faults.latency = { ms, ...(path ? { path } : {}) };
    return c.json(sim.faults.describe());
  });
  // {"job": "web", "namespace": "default", "group": "g", "task": "t", "image": "nginx:broken"}:
  // new allocations of that job (group, task, image) fail.
  app.post('/_sim/faults/allocations', async (c) => {
    const body = await readOptionalBody(c);
    const job = String(field(body, 'job') ?? '');
    if (job === '') throw new SimError(400, 'job is required');
    const group = field(body, 'group') as string | undefined;
    const task = field(body, 'task') as string | undefined;
    const image = field(body, 'image') as string | undefined;
    sim.faults.addAllocFault({
      namespace: String(field(body, 'namespace') ?? 'default'),
      job,
      ...(group ? { group } : {}),
      ...(task ? { task } : {}),
      ...(image ? { image } : {}),
    });
    return c.json(sim.faults.describe());
  });
  app.post('/_sim/events/drop', (c) => c.json({ dropped: sim.state.broker.dropAll() }));
  app.post('/_sim/reset', (c) => {
    sim.scheduler.close();
    sim.state.broker.dropAll();
    sim.state.reset();
    sim.faults.clear();
    for (const node of sim.nodes)
      Object.assign(node, { SchedulingEligibility: 'eligible', Drain: false, LastDrain: null });
    return c.json({ index: sim.state.index });
  });
  app.get('/_sim/status', (c) =>
    c.json({
      index: sim.state.index,
      jobs: sim.state.jobs.size,
      allocations: sim.state.allocs.size,
      nodes: sim.nodes,
      aclEnabled: sim.acl.enabled,
    }),
  );
}
