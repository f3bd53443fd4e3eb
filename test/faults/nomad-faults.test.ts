import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob, type ProxiedStack } from '../helpers/stack.js';

type View = { status: { sync: { status: string } } };

// Nomad failing for a while (500s, timeouts, dropped connections), then recovering; the job-list watch dropping.
describe('fault: Nomad', () => {
  let stack: ProxiedStack;
  before(async () => {
    stack = await Stack.startBehindProxy(
      {
        start: { deadlines: { observe: 1500, sync: 3000 } },
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: {
              automated: true,
              prune: true,
              self_heal: true,
              retry: { limit: 100, backoff: '100ms', factor: 1.5, max_backoff: '500ms' },
            },
          },
        },
      },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).write('jobs/b.json', serviceJob('b')).commit('a and b');
      },
    );
    await stack.waitForApp('web', 'Synced', (v) => v.status.sync.status === 'Synced');
  });
  after(() => stack.stop());

  const simJob = async (id: string) => {
    const response = await fetch(`${stack.sim.url}/v1/job/${id}`);
    return response.status === 200
      ? ((await response.json()) as { Stop: boolean; TaskGroups: Array<{ Count: number }> })
      : undefined;
  };

  const cases = [
    {
      fault: 'answering 500s',
      next: 'c',
      inject: () => stack.proxy.fail(/^\/v1\//, 500, { body: 'rpc error: No cluster leader' }),
      reason: /No cluster leader/,
    },
    { fault: 'timing out', next: 'd', inject: () => stack.proxy.delay(5000), reason: /did not finish within/ },
    {
      fault: 'dropping connections',
      next: 'e',
      inject: () => stack.proxy.fail(/^\/v1\//, 0),
      reason: /socket|closed|ECONNRESET|terminated|other side/i,
    },
  ];
  for (const { fault, next, inject, reason } of cases) {
    test(`given Nomad ${fault} for a while, the app is Unknown with the reason, nothing is pruned, and it converges after`, async () => {
      // Given: a commit that adds a job (and, the first time, removes b), arriving while Nomad is failing.
      stack.repo.write(`jobs/${next}.json`, serviceJob(next));
      if (next === 'c') stack.repo.remove('jobs/b.json');
      stack.repo.commit(`add ${next}`);
      inject();
      stack.proxy.dropConnections();
      try {
        const { body: view } = await stack.refresh('web');
        assert.equal(view.status.sync.status, 'Unknown');
        assert.equal(view.status.conditions[0]!.type, 'ComparisonError');
        assert.match(view.status.conditions[0]!.message, reason);
        // Meanwhile: backoff retries run, and nothing reaches Nomad's state.
        await new Promise((r) => setTimeout(r, 600));
        assert.equal(await simJob(next), undefined, `${next} is not registered while Nomad fails`);
        const owned =
          next === 'c'
            ? ['a', 'b']
            : [
                'a',
                ...cases
                  .slice(
                    0,
                    cases.findIndex((c) => c.next === next),
                  )
                  .map((c) => c.next),
              ];
        for (const id of owned) assert.equal((await simJob(id))?.Stop, false, `${id} is not pruned`);
      } finally {
        // When: Nomad recovers; no trigger is sent.
        stack.proxy.clearFaults();
        stack.proxy.delay(0);
      }
      // Then: the retry converges.
      await stack.waitForApp('web', 'Synced after recovery', (v: View) => v.status.sync.status === 'Synced');
      assert.equal((await simJob(next))?.Stop, false);
      assert.equal((await simJob('a'))?.Stop, false);
      // b left git in the first round; once Nomad answers, the policy (prune) applies.
      assert.equal((await simJob('b'))?.Stop, true);
    });
  }

  test('given the job-list watch dropped and resumed, drift is still repaired', async () => {
    // Given: the watch's connections dropped, and its next two attempts too.
    stack.proxy.fail(/^\/v1\/jobs$/, 0, { method: 'GET', query: /index=/, times: 2 });
    stack.proxy.dropConnections();
    // When: someone scales a by hand, outside git.
    const live = (await (await fetch(`${stack.sim.url}/v1/job/a`)).json()) as { TaskGroups: Array<{ Count: number }> };
    live.TaskGroups[0]!.Count = 3;
    const drifted = await fetch(`${stack.sim.url}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: live }) });
    assert.equal(drifted.status, 200);
    assert.equal((await simJob('a'))?.TaskGroups[0]?.Count, 3);
    // Then: self-heal puts it back, without a refresh.
    const deadline = Date.now() + 20_000;
    while ((await simJob('a'))?.TaskGroups[0]?.Count !== 1) {
      assert.ok(Date.now() < deadline, 'drift on a was not repaired');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
