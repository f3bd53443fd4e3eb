import type { Context, Hono } from 'hono';
import type { Sim } from '../context.js';
import { field, jsonWrite, readBody } from '../http.js';
import { isActiveDeployment, isTerminalAlloc } from '../scheduler.js';
import { SimError, allocEvent, evalEvent } from '../state.js';

/** Writes on allocations and deployments: allocation stop, deployment pause and allocation health. */
export function operationRoutes(app: Hono, sim: Sim): void {
  app.on(['PUT', 'POST'], '/v1/allocation/:id/stop', (c) => stopAllocation(c, sim));
  app.on(['PUT', 'POST'], '/v1/deployment/pause/:id', async (c) => {
    const deployment = activeDeployment(sim, c.req.param('id'), 'pause');
    const body = await readBody(c);
    const index = sim.lifecycle.pause(deployment.ID, field(body, 'Pause') === true);
    return jsonWrite(c, deploymentUpdate(index), index);
  });
  app.on(['PUT', 'POST'], '/v1/deployment/allocation-health/:id', async (c) => {
    const deployment = activeDeployment(sim, c.req.param('id'), 'set health of allocations for');
    const body = await readBody(c);
    const healthy = idList(field(body, 'HealthyAllocationIDs'));
    const unhealthy = idList(field(body, 'UnhealthyAllocationIDs'));
    if (healthy.length + unhealthy.length === 0)
      throw new SimError(400, 'Must specify at least one healthy/unhealthy allocation ID');
    for (const id of [...healthy, ...unhealthy]) {
      const alloc = sim.state.allocs.get(id);
      if (!alloc || alloc.DeploymentID !== deployment.ID)
        throw new SimError(500, `Allocation ${id} is not part of the deployment`);
    }
    sim.lifecycle.markHealth(healthy, unhealthy);
    return jsonWrite(c, deploymentUpdate(sim.state.index), sim.state.index);
  });
}

/** Stops one allocation: the scheduler replaces it (DesiredTransition.Migrate), as `nomad alloc stop`. */
function stopAllocation(c: Context, sim: Sim): Response {
  const alloc = sim.state.allocs.get(c.req.param('id') ?? '');
  if (!alloc) throw new SimError(404, 'alloc not found');
  const job = sim.state.getJob(alloc.Namespace, alloc.JobID);
  let evalId = '';
  const index = sim.state.commit(['allocs', 'evals'], (at) => {
    const events = [];
    if (!isTerminalAlloc(alloc)) {
      const stopped = {
        ...sim.scheduler.stopAlloc(alloc, at, 'alloc was stopped by the user'),
        DesiredTransition: { Migrate: true },
      };
      sim.state.allocs.set(alloc.ID, stopped);
      events.push(allocEvent('AllocationUpdateDesiredTransition', stopped));
    }
    if (job) {
      const evaluation = sim.scheduler.createEval(job, 'alloc-stop', at);
      evalId = evaluation.ID;
      events.push(evalEvent('AllocationUpdateDesiredTransition', evaluation));
    }
    return events;
  });
  if (evalId) sim.scheduler.enqueue(evalId);
  return jsonWrite(c, { EvalID: evalId, Index: index }, index);
}

function activeDeployment(sim: Sim, id: string, what: string) {
  const deployment = sim.state.deployments.get(id);
  if (!deployment) throw new SimError(404, 'deployment not found');
  if (!isActiveDeployment(deployment)) throw new SimError(500, `can't ${what} terminal deployment`);
  return deployment;
}

function deploymentUpdate(index: number): Record<string, unknown> {
  return { EvalID: '', EvalCreateIndex: 0, DeploymentModifyIndex: index, RevertedJobVersion: null, Index: index };
}

function idList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}
