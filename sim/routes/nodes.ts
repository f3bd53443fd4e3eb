import type { Hono } from 'hono';
import type { Sim } from '../context.js';
import { blockingRead, field, jsonWrite, readBody, readOptionalBody } from '../http.js';
import { drainNode, findNode, nodeDetail, nodeStub, setEligibility } from '../nodes.js';
import { SimError } from '../state.js';

/** Nodes (list, read, allocations, eligibility, drain), `/v1/regions` and `/v1/agent/members`. */
export function nodeRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/nodes', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    return blockingRead(c, sim.state, () => ({
      body: sim.nodes.filter((node) => node.ID.startsWith(prefix)).map(nodeStub),
      index: sim.state.tableIndex('nodes'),
    }));
  });
  app.get('/v1/node/:id/allocations', (c) =>
    blockingRead(c, sim.state, () => {
      const node = findNode(sim, c.req.param('id'));
      return {
        body: [...sim.state.allocs.values()].filter((alloc) => alloc.NodeID === node.ID),
        index: sim.state.tableIndex('allocs'),
      };
    }),
  );
  app.on(['PUT', 'POST'], '/v1/node/:id/eligibility', async (c) => {
    const node = findNode(sim, c.req.param('id'));
    const body = await readBody(c);
    const eligibility = field(body, 'Eligibility');
    if (eligibility !== 'eligible' && eligibility !== 'ineligible')
      throw new SimError(400, `invalid scheduling eligibility "${String(eligibility)}"`);
    const index = setEligibility(sim, node, eligibility);
    return jsonWrite(c, { EvalIDs: null, EvalCreateIndex: 0, NodeModifyIndex: index, Index: index }, index);
  });
  app.on(['PUT', 'POST'], '/v1/node/:id/drain', async (c) => {
    const node = findNode(sim, c.req.param('id'));
    const body = await readOptionalBody(c);
    const spec = field(body, 'DrainSpec') as Record<string, unknown> | null | undefined;
    if (!spec) {
      // A nil DrainSpec cancels a drain; MarkEligible makes the node schedulable again.
      const index = field(body, 'MarkEligible') === true ? setEligibility(sim, node, 'eligible') : sim.state.index;
      return jsonWrite(c, { EvalIDs: null, EvalCreateIndex: 0, NodeModifyIndex: index, Index: index }, index);
    }
    const { evalIds, index } = drainNode(sim, node, field(spec, 'IgnoreSystemJobs') === true);
    return jsonWrite(c, { EvalIDs: evalIds, EvalCreateIndex: index, NodeModifyIndex: index, Index: index }, index);
  });
  app.get('/v1/node/:id', (c) =>
    blockingRead(
      c,
      sim.state,
      () => {
        const node = findNode(sim, c.req.param('id'));
        return { body: nodeDetail(node), index: node.ModifyIndex ?? 1 };
      },
      () => sim.state.tableIndex('nodes'),
    ),
  );
  app.get('/v1/regions', (c) => c.json([sim.state.region]));
  app.get('/v1/agent/members', (c) => {
    const region = sim.state.region;
    return c.json({
      ServerName: 'drover-sim',
      ServerRegion: region,
      ServerDC: 'dc1',
      Members: [
        {
          Name: `drover-sim.${region}`,
          Addr: new URL(c.req.url).hostname,
          Port: 4648,
          Tags: { region, dc: 'dc1', build: sim.version, role: 'nomad', port: '4647', bootstrap: '1' },
          Status: 'alive',
          ProtocolMin: 1,
          ProtocolMax: 5,
          ProtocolCur: 2,
          DelegateMin: 2,
          DelegateMax: 5,
          DelegateCur: 4,
        },
      ],
    });
  });
}
