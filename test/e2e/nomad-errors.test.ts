import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/process.js';
import { Stack, serviceJob, type ProxiedStack } from '../helpers/stack.js';

describe('Nomad answering errors', () => {
  let stack: ProxiedStack;
  before(async () => {
    stack = await Stack.startBehindProxy(
      {
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: { automated: true, prune: true, retry: { limit: 0 } },
          },
        },
      },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).write('jobs/b.json', serviceJob('b')).commit('a and b');
      },
    );
    await stack.refresh('web');
    // Let the reconciles that follow allocations starting (health) finish, so each test sees only its own.
    await waitFor('a and b running', async () =>
      (await stack.api('/api/v1/apps/web')).body.status.health.status === 'Healthy' ? true : undefined,
    );
  });
  after(() => stack.stop());

  test('given the job list failing with 500, the app is Unknown and nothing is written', async () => {
    stack.repo.remove('jobs/b.json').commit('remove b');
    // Only the refresh's own list fails; the inventory's blocking watch (index=…) is left alone.
    stack.proxy.fail(/^\/v1\/jobs$/, 500, {
      method: 'GET',
      query: /^(?!.*\bindex=)/,
      body: 'rpc error: No cluster leader',
    });
    stack.proxy.reset();
    const { body: app } = await stack.refresh('web'); // the client retries, and every attempt fails
    stack.proxy.clearFaults();
    assert.equal(app.status.sync.status, 'Unknown');
    assert.match(app.status.conditions[0].message, /500 \(rpc error: No cluster leader\)/);
    assert.equal(stack.proxy.count('DELETE') + stack.proxy.count('PUT') + stack.proxy.count('POST'), 0);
    assert.equal(
      (await fetch(`${stack.sim.url}/v1/job/b`).then((r) => r.json() as Promise<{ Stop: boolean }>)).Stop,
      false,
      'b is not pruned',
    );
  });

  test('given a register failing with 500, the run fails, and prune waits for every write to succeed', async () => {
    stack.repo.write('jobs/a.json', serviceJob('a', { count: 2 })).commit('scale a, b already removed');
    stack.proxy.fail(/^\/v1\/job\/a$/, 500, {
      method: 'PUT',
      body: '1 error occurred:\n\t* Task group main validation failed',
    });
    const { body: app } = await stack.refresh('web');
    stack.proxy.clearFaults();
    assert.equal(app.run.result, 'Failed');
    assert.match(app.run.message, /^a: .*500 \(1 error occurred:\n.*validation failed/s);
    assert.ok(app.status.conditions.some((c: { type: string }) => c.type === 'SyncError'));
    assert.equal(
      (await fetch(`${stack.sim.url}/v1/job/b`).then((r) => r.json() as Promise<{ Stop: boolean }>)).Stop,
      false,
      'no prune after a failed write',
    );

    const { body: retried } = await stack.api('/api/v1/apps/web/sync', { json: {} });
    assert.equal(retried.run.result, 'Succeeded');
    assert.deepEqual(
      retried.run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]),
      [
        ['a', 'update'],
        ['b', 'prune'],
      ],
    );
  });
});
