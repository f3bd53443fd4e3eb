import type { Hono } from 'hono';
import type { Namespace } from '../../src/nomad/types.js';
import type { Sim } from '../context.js';
import { blockingRead, field, jsonWrite, readBody } from '../http.js';
import { SimError, compare } from '../state.js';

/** Namespaces, agent self, status and ACL token self. */
export function systemRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/namespaces', (c) => {
    const prefix = c.req.query('prefix') ?? '';
    return blockingRead(c, sim.state, () => ({
      body: [...sim.state.namespaces.values()]
        .filter((ns) => ns.Name.startsWith(prefix))
        .sort((a, b) => compare(a.Name, b.Name)),
      index: sim.state.tableIndex('namespaces'),
    }));
  });
  app.get('/v1/namespace/:name', (c) =>
    blockingRead(c, sim.state, () => {
      const namespace = sim.state.namespaces.get(c.req.param('name'));
      if (!namespace) throw new SimError(404, 'Namespace not found');
      return { body: namespace, index: namespace.ModifyIndex };
    }),
  );
  const upsert = async (name: string | undefined, body: Record<string, unknown>) => {
    const bodyName = String(field(body, 'Name') ?? '');
    if (name !== undefined && bodyName !== name) throw new SimError(400, 'Namespace name does not match request path');
    if (!/^[a-zA-Z0-9-]{1,128}$/.test(bodyName))
      throw new SimError(500, `invalid name "${bodyName}". Must match regex ^[a-zA-Z0-9-]{1,128}$`);
    return sim.state.commit(['namespaces'], (index) => {
      const existing = sim.state.namespaces.get(bodyName);
      const namespace: Namespace = {
        Name: bodyName,
        Description: String(field(body, 'Description') ?? ''),
        Quota: '',
        Capabilities: (field(body, 'Capabilities') as Namespace['Capabilities']) ?? null,
        NodePoolConfiguration: null,
        Meta: (field(body, 'Meta') as Record<string, string> | null) ?? null,
        CreateIndex: existing?.CreateIndex ?? index,
        ModifyIndex: index,
      };
      sim.state.namespaces.set(bodyName, namespace);
    });
  };
  app.on(['PUT', 'POST'], '/v1/namespace', async (c) => {
    const index = await upsert(undefined, await readBody(c));
    c.header('X-Nomad-Index', String(index));
    return c.body(null, 200);
  });
  app.on(['PUT', 'POST'], '/v1/namespace/:name', async (c) => {
    const index = await upsert(c.req.param('name'), await readBody(c));
    c.header('X-Nomad-Index', String(index));
    return c.body(null, 200);
  });
  app.delete('/v1/namespace/:name', (c) => {
    const name = c.req.param('name');
    if (name === 'default') throw new SimError(500, 'default namespace can not be deleted');
    if (!sim.state.namespaces.has(name)) throw new SimError(500, `namespace "${name}" does not exist`);
    if ([...sim.state.jobs.values()].some((job) => job.Namespace === name))
      throw new SimError(500, `namespace "${name}" has non-terminal jobs in regions: [${sim.state.region}]`);
    const index = sim.state.commit(['namespaces'], () => {
      sim.state.namespaces.delete(name);
    });
    c.header('X-Nomad-Index', String(index));
    return c.body(null, 200);
  });

  app.get('/v1/agent/self', (c) => c.json(agentSelf(sim, new URL(c.req.url))));
  app.get('/v1/status/leader', (c) => c.json('127.0.0.1:4647'));
  app.get('/v1/status/peers', (c) => c.json(['127.0.0.1:4647']));
  app.get('/v1/acl/token/self', (c) => jsonWrite(c, sim.acl.self(c), 1));
}

function agentSelf(sim: Sim, url: URL): Record<string, unknown> {
  const [version, prerelease = ''] = sim.version.split('-');
  const region = sim.state.region;
  return {
    config: {
      Region: region,
      Datacenter: 'dc1',
      NodeName: 'drover-sim',
      DataDir: '',
      LogLevel: 'INFO',
      Version: {
        Revision: 'drover-sim',
        Version: version,
        VersionMetadata: '',
        VersionPrerelease: prerelease,
        BuildDate: '2026-01-01T00:00:00Z',
      },
      ACL: { Enabled: sim.acl.enabled, TokenTTL: 30_000_000_000, PolicyTTL: 30_000_000_000, ReplicationToken: '' },
      Server: { Enabled: true, BootstrapExpect: 1 },
      Client: { Enabled: true },
    },
    member: {
      Name: `drover-sim.${region}`,
      Addr: url.hostname,
      Port: 4648,
      Tags: { region, dc: 'dc1', build: sim.version, role: 'nomad', mvn: '1' },
      Status: 'alive',
    },
    stats: {
      nomad: { server: 'true', leader: 'true', known_regions: '1', bootstrap: 'true' },
      raft: { applied_index: String(sim.state.index) },
      client: { known_servers: '127.0.0.1:4647', num_allocations: String(sim.state.allocs.size) },
    },
  };
}
