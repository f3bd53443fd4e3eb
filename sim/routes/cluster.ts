import type { Context, Hono } from 'hono';
import type { Sim } from '../context.js';
import { compileFilter } from '../filter.js';
import { blockingRead, boolParam, jsonWrite, namespaceOf, readOptionalBody } from '../http.js';
import { isActiveDeployment } from '../scheduler.js';
import { SimError } from '../state.js';

const inNamespace = (c: Context) => {
  const namespace = namespaceOf(c);
  return (item: { Namespace: string }) => namespace === '*' || item.Namespace === namespace;
};

/** Deployments, allocations and evaluations, listed and read by ID. */
export function clusterRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/deployments', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    return blockingRead(c, sim.state, () => ({
      body: [...sim.state.deployments.values()]
        .filter(inNamespace(c))
        .filter((d) => d.ID.startsWith(prefix))
        .sort((a, b) => b.CreateIndex - a.CreateIndex),
      index: sim.state.tableIndex('deployment'),
    }));
  });
  app.get('/v1/deployment/allocations/:id', (c) =>
    blockingRead(c, sim.state, () => ({
      body: [...sim.state.allocs.values()]
        .filter((a) => a.DeploymentID === c.req.param('id'))
        .map(({ Job: _job, ...stub }) => stub),
      index: sim.state.tableIndex('allocs'),
    })),
  );
  app.on(['PUT', 'POST'], '/v1/deployment/promote/:id', async (c) => {
    await readOptionalBody(c);
    const deployment = sim.state.deployments.get(c.req.param('id'));
    if (!deployment) throw new SimError(404, 'deployment not found');
    if (!isActiveDeployment(deployment)) throw new SimError(500, "can't promote terminal deployment");
    if (!Object.values(deployment.TaskGroups).some((g) => g.DesiredCanaries > 0 && !g.Promoted))
      throw new SimError(500, 'no canaries to promote');
    const result = sim.lifecycle.promote(deployment.ID);
    return jsonWrite(c, { ...result, RevertedJobVersion: null, Index: result.EvalCreateIndex }, result.EvalCreateIndex);
  });
  app.on(['PUT', 'POST'], '/v1/deployment/fail/:id', (c) => {
    const deployment = sim.state.deployments.get(c.req.param('id'));
    if (!deployment) throw new SimError(404, 'deployment not found');
    if (!isActiveDeployment(deployment)) throw new SimError(500, "can't fail terminal deployment");
    sim.lifecycle.fail(deployment.ID, 'Deployment marked as failed');
    return jsonWrite(
      c,
      {
        EvalID: '',
        EvalCreateIndex: 0,
        DeploymentModifyIndex: sim.state.index,
        RevertedJobVersion: null,
        Index: sim.state.index,
      },
      sim.state.index,
    );
  });
  app.get('/v1/deployment/:id', (c) =>
    blockingRead(c, sim.state, () => {
      const deployment = sim.state.deployments.get(c.req.param('id'));
      if (!deployment) throw new SimError(404, 'deployment not found');
      return { body: deployment, index: deployment.ModifyIndex };
    }),
  );

  app.get('/v1/allocations', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    const filter = compileFilter(c.req.query('filter'));
    boolParam(c, 'resources'); // stubs carry no resources either way
    const taskStates = boolParam(c, 'task_states', true);
    return blockingRead(c, sim.state, () => ({
      body: [...sim.state.allocs.values()]
        .filter(inNamespace(c))
        .filter((a) => a.ID.startsWith(prefix) && filter(a))
        .map(({ Job: _job, ...stub }) => (taskStates ? stub : withoutTaskStates(stub))),
      index: sim.state.tableIndex('allocs'),
    }));
  });
  app.get('/v1/allocation/:id', (c) =>
    blockingRead(c, sim.state, () => {
      const alloc = sim.state.allocs.get(c.req.param('id'));
      if (!alloc) throw new SimError(404, 'alloc not found');
      return { body: alloc, index: alloc.ModifyIndex };
    }),
  );

  app.get('/v1/evaluations', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    const filter = compileFilter(c.req.query('filter'));
    return blockingRead(c, sim.state, () => ({
      body: [...sim.state.evals.values()]
        .filter(inNamespace(c))
        .filter((e) => e.ID.startsWith(prefix) && filter(e))
        .sort((a, b) => b.CreateIndex - a.CreateIndex),
      index: sim.state.tableIndex('evals'),
    }));
  });
  app.get('/v1/evaluation/:id/allocations', (c) =>
    blockingRead(c, sim.state, () => ({
      body: [...sim.state.allocs.values()]
        .filter((a) => a.EvalID === c.req.param('id'))
        .map(({ Job: _job, ...stub }) => stub),
      index: sim.state.tableIndex('allocs'),
    })),
  );
  app.get('/v1/evaluation/:id', (c) =>
    blockingRead(c, sim.state, () => {
      const evaluation = sim.state.evals.get(c.req.param('id'));
      if (!evaluation) throw new SimError(404, 'eval not found');
      return { body: evaluation, index: evaluation.ModifyIndex };
    }),
  );
}

function withoutTaskStates(stub: Record<string, unknown>): Record<string, unknown> {
  const { TaskStates: _states, ...rest } = stub;
  return rest;
}
