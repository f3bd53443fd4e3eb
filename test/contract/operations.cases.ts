import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceJob, simTarget, until, type Target } from './target.js';

type Obj = Record<string, unknown>;

/** Raw JSON calls for endpoints the typed client does not wrap yet. */
function api(target: Target) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.kind === 'nomad' && process.env.NOMAD_TOKEN) headers['X-Nomad-Token'] = process.env.NOMAD_TOKEN;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${target.address}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Obj & Obj[] };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
  };
}

/** Regions, agent members, nodes, job evaluate, scale and scaling policies, allocation stop, deployment pause. */
export function operationCases(target: () => Target): void {
  test('regions and agent members name the agent region and one alive server', async () => {
    const { get } = api(target());
    const regions = await get('/v1/regions');
    assert.equal(regions.status, 200);
    const members = (await get('/v1/agent/members')).json();
    assert.ok((regions.json() as unknown as string[]).includes(String(members.ServerRegion)));
    const alive = (members.Members as Obj[]).filter((m) => m.Status === 'alive');
    assert.ok(alive.length >= 1);
    assert.equal((alive[0]!.Tags as Obj).region, members.ServerRegion);
  });

  test('nodes list as stubs, read in full, and list their allocations', async (t) => {
    const { get } = api(target());
    const nodes = (await get('/v1/nodes')).json() as unknown as Obj[];
    if (nodes.length === 0) return t.skip('the cluster has no client node');
    const stub = nodes[0]!;
    assert.deepEqual(
      ['ID', 'Name', 'Datacenter', 'NodePool', 'Status', 'SchedulingEligibility', 'Drain'].filter((k) => !(k in stub)),
      [],
    );
    const node = await get(`/v1/node/${String(stub.ID)}`);
    assert.equal(node.status, 200);
    assert.equal(node.json().ID, stub.ID);
    assert.ok(Array.isArray(node.json().Attributes) === false);
    assert.equal((await get(`/v1/node/${String(stub.ID)}/allocations`)).status, 200);
    assert.equal((await get('/v1/node/00000000-0000-0000-0000-000000000000')).status, 404);
  });

  test('POST /v1/job/:id/evaluate creates an evaluation of the job', async () => {
    // Given a registered job
    const { nomad, name } = target();
    const id = name('evaluate');
    await nomad.jobs.register(serviceJob(id));
    // When it is evaluated again
    const response = await api(target()).post(`/v1/job/${id}/evaluate`, { JobID: id });
    // Then a new evaluation of that job exists, triggered as a register
    assert.equal(response.status, 200, response.text);
    const evalId = String(response.json().EvalID);
    assert.notEqual(evalId, '');
    const { evaluation } = await nomad.evaluations.info(evalId);
    assert.deepEqual([evaluation.JobID, evaluation.TriggeredBy], [id, 'job-register']);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('job scale: the status per group, a count within the scaling policy, and the policy list', async () => {
    // Given a job whose group has a scaling policy from 1 to 3
    const { nomad, name } = target();
    const { get, post } = api(target());
    const id = name('scale');
    const job = serviceJob(id);
    job.TaskGroups![0]!.Scaling = { Min: 1, Max: 3, Enabled: true };
    await nomad.jobs.register(job);
    const status = (await get(`/v1/job/${id}/scale`)).json();
    assert.equal(((status.TaskGroups as Obj).web as Obj).Desired, 1);
    // When it is scaled to 2, then to 5
    const scaled = await post(`/v1/job/${id}/scale`, { Count: 2, Target: { Group: 'web' }, Message: 'contract' });
    const tooMany = await post(`/v1/job/${id}/scale`, { Count: 5, Target: { Group: 'web' } });
    // Then the first is a new version with count 2, and the second is refused
    assert.equal(scaled.status, 200, scaled.text);
    assert.equal((await nomad.jobs.read(id)).job?.TaskGroups?.[0]?.Count, 2);
    assert.ok(tooMany.status >= 400);
    assert.match(tooMany.text, /greater than scaling policy maximum/);
    const policies = (await get(`/v1/scaling/policies?job=${id}`)).json() as unknown as Obj[];
    assert.equal(policies.length, 1);
    assert.deepEqual(policies[0]!.Target, { Namespace: 'default', Job: id, Group: 'web' });
    const policy = (await get(`/v1/scaling/policy/${String(policies[0]!.ID)}`)).json();
    assert.deepEqual([policy.Min, policy.Max], [1, 3]);
    await nomad.jobs.deregister(id, { purge: true });
  });
}

/** Cases that need allocations that run, hence the simulator (each starts its own, with its own timing). */
export function simOperationCases(target: () => Target): void {
  test('allocation stop: the allocation stops and the scheduler places a replacement', async (t) => {
    if (target().kind !== 'sim') return t.skip('needs allocations that run');
    const { nomad, name } = target();
    const id = name('alloc-stop');
    await nomad.jobs.register(serviceJob(id));
    const first = await until('a running allocation', async () =>
      (await nomad.jobs.allocations(id)).allocations.find((a) => a.ClientStatus === 'running'),
    );
    const stopped = await api(target()).post(`/v1/allocation/${first.ID}/stop`);
    assert.equal(stopped.status, 200, stopped.text);
    assert.notEqual(stopped.json().EvalID, '');
    const replacement = await until('a replacement', async () =>
      (await nomad.jobs.allocations(id)).allocations.find((a) => a.ID !== first.ID && a.ClientStatus === 'running'),
    );
    assert.equal(replacement.TaskGroup, 'web');
    const old = (await nomad.allocations.info(first.ID)).allocation;
    assert.deepEqual([old.DesiredStatus, (old.DesiredTransition as Obj).Migrate], ['stop', true]);
  });

  test('deployment pause holds a deployment; manual allocation health and resume complete it', async (t) => {
    if (target().kind !== 'sim') return t.skip("needs the simulator's slow allocations");
    // Given a deployment whose allocations report health only after 30 s
    const slow = await simTarget({ allocDelayMs: 30_000, heartbeatMs: 100 });
    t.after(() => slow.close());
    const { get, post } = api(slow);
    await slow.nomad.jobs.register(serviceJob('paused'));
    const deployment = await until(
      'a deployment',
      async () => (await slow.nomad.jobs.latestDeployment('paused')).deployment ?? undefined,
    );
    // When it is paused
    const paused = await post(`/v1/deployment/pause/${deployment.ID}`, { DeploymentID: deployment.ID, Pause: true });
    assert.equal(paused.status, 200, paused.text);
    assert.equal((await get(`/v1/deployment/${deployment.ID}`)).json().Status, 'paused');
    // And its allocation is marked healthy by hand, then the deployment resumed
    const [alloc] = (await slow.nomad.jobs.allocations('paused')).allocations;
    const health = await post(`/v1/deployment/allocation-health/${deployment.ID}`, {
      DeploymentID: deployment.ID,
      HealthyAllocationIDs: [alloc!.ID],
    });
    assert.equal(health.status, 200, health.text);
    assert.equal((await get(`/v1/deployment/${deployment.ID}`)).json().Status, 'paused', 'paused holds it');
    await post(`/v1/deployment/pause/${deployment.ID}`, { DeploymentID: deployment.ID, Pause: false });
    // Then it completes
    const done = (await get(`/v1/deployment/${deployment.ID}`)).json();
    assert.equal(done.Status, 'successful');
    const terminal = await post(`/v1/deployment/pause/${deployment.ID}`, { DeploymentID: deployment.ID, Pause: true });
    assert.deepEqual([terminal.status, terminal.text], [500, "can't pause terminal deployment"]);
  });

  test('node drain migrates allocations to another node; the drained node stays ineligible', async (t) => {
    if (target().kind !== 'sim') return t.skip('drains a node');
    const sim = await simTarget({ allocDelayMs: 10, heartbeatMs: 100, nodes: 2 });
    t.after(() => sim.close());
    const { get, post } = api(sim);
    // Given two running allocations spread over two nodes
    await sim.nomad.jobs.register(serviceJob('drained', {}, 'nginx:1.27', 2));
    const running = () =>
      sim.nomad.jobs
        .allocations('drained')
        .then(({ allocations }) =>
          allocations.filter((a) => a.ClientStatus === 'running' && a.DesiredStatus === 'run'),
        );
    const before = await until('two running allocations', async () =>
      (await running()).length === 2 ? running() : undefined,
    );
    const nodeId = before[0]!.NodeID;
    // When that node is drained
    const drained = await post(`/v1/node/${nodeId}/drain`, { NodeID: nodeId, DrainSpec: { Deadline: 0 } });
    assert.equal(drained.status, 200, drained.text);
    // Then both allocations run on the other node, and the drained node is ineligible with a complete drain
    const after = await until('allocations migrated', async () => {
      const list = await running();
      return list.length === 2 && list.every((a) => a.NodeID !== nodeId) ? list : undefined;
    });
    assert.equal(new Set(after.map((a) => a.NodeID)).size, 1);
    const node = await until('the drain to complete', async () => {
      const n = (await get(`/v1/node/${nodeId}`)).json();
      return (n.LastDrain as Obj | null)?.Status === 'complete' ? n : undefined;
    });
    assert.deepEqual([node.SchedulingEligibility, node.Drain], ['ineligible', false]);
    const eligible = await post(`/v1/node/${nodeId}/eligibility`, { NodeID: nodeId, Eligibility: 'eligible' });
    assert.equal(eligible.status, 200);
    assert.equal((await get(`/v1/node/${nodeId}`)).json().SchedulingEligibility, 'eligible');
  });
}
