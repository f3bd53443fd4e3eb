import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceJob, until, type Target } from './target.js';

/** Query parameters as Nomad's HTTP agent reads them: booleans with Go's strconv.ParseBool; unknown sub-routes. */
export function paramCases(target: () => Target): void {
  const headers = (): Record<string, string> =>
    process.env.NOMAD_TOKEN && target().kind === 'nomad' ? { 'X-Nomad-Token': process.env.NOMAD_TOKEN } : {};

  test('boolean parameters take every spelling strconv.ParseBool takes, and refuse the rest', async () => {
    // Given a registered job
    const { nomad, address, name } = target();
    const id = name('purge-bool');
    await nomad.jobs.register(serviceJob(id));
    // When it is deleted with a spelling other than "true" and a value ParseBool refuses
    const bad = await fetch(`${address}/v1/job/${id}?purge=maybe`, { method: 'DELETE', headers: headers() });
    // Then the bad value is an error naming the parameter, and nothing changed
    assert.equal(bad.status, 500);
    assert.match(await bad.text(), /Failed to parse value of "purge" \(maybe\) as a bool/);
    assert.equal((await nomad.jobs.read(id)).job?.Stop, false);
    const purged = await fetch(`${address}/v1/job/${id}?purge=True`, { method: 'DELETE', headers: headers() });
    assert.equal(purged.status, 200);
    // And purge=True purges: the job is gone, not merely stopped
    await until('the job to be purged', async () => (await nomad.jobs.read(id)).job === undefined);
    for (const spelling of ['1', 't', 'T', 'TRUE', 'true', 'True']) {
      const list = await fetch(`${address}/v1/jobs?meta=${spelling}`, { headers: headers() });
      assert.equal(list.status, 200, `meta=${spelling}`);
    }
    const badMeta = await fetch(`${address}/v1/jobs?meta=yes`, { headers: headers() });
    assert.equal(badMeta.status, 500);
    assert.match(await badMeta.text(), /Failed to parse value of "meta" \(yes\) as a bool/);
  });

  test('allocations answer task_states=false without task states', async (t) => {
    if (target().kind !== 'sim') return t.skip('needs a client node placing allocations');
    // Given a job with an allocation
    const { nomad, address, name } = target();
    const id = name('task-states');
    await nomad.jobs.register(serviceJob(id));
    await until('an allocation', async () => (await nomad.jobs.allocations(id)).allocations.length > 0);
    // When allocations are listed with task_states=F
    const response = await fetch(`${address}/v1/allocations?task_states=F`, { headers: headers() });
    const stubs = (await response.json()) as Array<Record<string, unknown>>;
    // Then no stub carries TaskStates
    assert.equal(response.status, 200);
    assert.ok(stubs.length > 0);
    assert.ok(stubs.every((stub) => stub.TaskStates === undefined || stub.TaskStates === null));
    await nomad.jobs.deregister(id, { purge: true });
  });
}

/** Routes the simulator does not serve answer 404, and never register a job with the route in its ID. */
export function unimplementedCases(target: () => Target): void {
  test('an unknown path answers 404', async () => {
    const { address } = target();
    const response = await fetch(`${address}/v1/no-such-endpoint`);
    assert.equal(response.status, 404);
  });

  test('POST /v1/job/x/evaluate is not a register of a job named "x/evaluate"', async () => {
    const { nomad, address } = target();
    const headers: Record<string, string> =
      process.env.NOMAD_TOKEN && target().kind === 'nomad' ? { 'X-Nomad-Token': process.env.NOMAD_TOKEN } : {};
    const response = await fetch(`${address}/v1/job/${target().name('absent')}/evaluate`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    assert.ok(response.status >= 400, 'evaluating a missing job fails');
    const listed = (await nomad.jobs.list({ prefix: target().name('absent') })).jobs;
    assert.deepEqual(listed, [], 'no job was registered');
  });

  test('a job sub-resource the simulator does not serve answers 404', async (t) => {
    if (target().kind !== 'sim') return t.skip('a real agent serves /services');
    const response = await fetch(`${target().address}/v1/job/web/services`);
    assert.equal(response.status, 404);
  });
}
