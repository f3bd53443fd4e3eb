import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/process.js';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('drift made outside git', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          healing: {
            repository: 'jobs',
            revision: 'main',
            path: 'healing',
            sync: { automated: true, self_heal: true },
          },
          watching: {
            repository: 'jobs',
            revision: 'main',
            path: 'watching',
            sync: { automated: true, self_heal: false },
          },
          scaled: {
            repository: 'jobs',
            revision: 'main',
            path: 'scaled',
            sync: { automated: true, self_heal: true },
            ignore_differences: [{ job: 'scaled-*', paths: ['/TaskGroups/*/Count'] }],
          },
        },
      },
      (repo) => {
        repo
          .write('healing/a.json', serviceJob('heal-a', { count: 2 }))
          .write('watching/b.json', serviceJob('watch-b', { count: 2 }));
        repo.write('scaled/c.json', serviceJob('scaled-c', { count: 2 }));
        repo.commit('two apps');
      },
    );
    await stack.refresh('healing');
    await stack.refresh('watching');
    await stack.refresh('scaled');
  });
  after(() => stack.stop());

  /** Changes a job in Nomad the way an operator would with `nomad job run`: same marker, new count. */
  async function scaleBehindGitsBack(id: string, count: number) {
    const { body: live } = await stack.nomad(`/v1/job/${id}`);
    live.TaskGroups[0].Count = count;
    const res = await stack.nomad(`/v1/job/${id}`, { json: { Job: live } });
    assert.equal(res.status, 200);
  }

  test("given self_heal, when a job is edited in Nomad, then Drover restores git's version without being asked and history says why", async () => {
    await scaleBehindGitsBack('heal-a', 5);
    // The inventory's blocking query sees the edit and triggers the owning app: no refresh call.
    const run = await waitFor('the drift healed', async () => {
      const { body: history } = await stack.api('/api/v1/apps/healing/history');
      const latest = history.history[0];
      return latest?.trigger === 'event' && latest.result === 'Succeeded' ? latest : undefined;
    });
    assert.deepEqual(
      run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]),
      [['heal-a', 'update']],
    );
    assert.equal((await stack.nomad('/v1/job/heal-a')).body.TaskGroups[0].Count, 2);
    const { body: app } = await stack.api('/api/v1/apps/healing');
    assert.equal(app.status.sync.status, 'Synced');
  });

  test('given self_heal, when a job is stopped in Nomad, then it is registered again', async () => {
    await stack.nomad('/v1/job/heal-a', { method: 'DELETE' });
    assert.equal((await stack.nomad('/v1/job/heal-a')).body.Stop, true);
    const { body: app } = await stack.refresh('healing');
    assert.equal(app.status.sync.status, 'Synced');
    assert.equal((await stack.nomad('/v1/job/heal-a')).body.Stop, false);
  });

  test('without self_heal, the drift is shown with its diff and left in place', async () => {
    await scaleBehindGitsBack('watch-b', 7);
    const { body: app } = await stack.refresh('watching');
    assert.equal(app.status.sync.status, 'OutOfSync');
    assert.deepEqual(
      app.status.jobs.map((j: { id: string; status: string; diffCount: number }) => [j.id, j.status, j.diffCount]),
      [['watch-b', 'OutOfSync', 1]],
    );
    assert.equal((await stack.nomad('/v1/job/watch-b')).body.TaskGroups[0].Count, 7);
    const { body: diff } = await stack.api('/api/v1/apps/watching/diff');
    assert.deepEqual(diff.jobs[0].diff, [{ path: 'TaskGroups[main].Count', desired: 2, live: 7 }]);
    // Nomad's own plan: its diff and what the scheduler would do (stop five allocations).
    const [planned] = diff.actions;
    assert.deepEqual([planned.id, planned.action, planned.result], ['watch-b', 'update', 'planned']);
    assert.equal(planned.plan.diffType, 'Edited');
    assert.deepEqual(planned.plan.updates, { main: { Ignore: 2, Stop: 5 } });
    const count = planned.plan.diff.TaskGroups[0].Fields.find((f: { Name: string }) => f.Name === 'Count');
    assert.deepEqual([count.Old, count.New], ['7', '2']);
    assert.equal((await stack.nomad('/v1/job/watch-b')).body.TaskGroups[0].Count, 7, 'GET /diff writes nothing');

    const { body: synced } = await stack.api('/api/v1/apps/watching/sync', { json: {} });
    assert.equal(synced.status.sync.status, 'Synced');
    assert.equal(synced.run.trigger, 'sync');
    assert.equal((await stack.nomad('/v1/job/watch-b')).body.TaskGroups[0].Count, 2);
  });

  test('a Count owned by an autoscaler (ignore_differences) is neither drift nor overwritten, even by self_heal or a new commit', async () => {
    await scaleBehindGitsBack('scaled-c', 6);
    const { body: app } = await stack.refresh('scaled');
    assert.equal(app.status.sync.status, 'Synced');
    assert.equal((await stack.nomad('/v1/job/scaled-c')).body.TaskGroups[0].Count, 6);

    // A real change in git is applied with PreserveCounts: the image moves, the autoscaler's count stays.
    stack.repo
      .write('scaled/c.json', serviceJob('scaled-c', { count: 2, image: 'nginx:1.28' }))
      .commit('new image for c');
    const { body: synced } = await stack.refresh('scaled');
    assert.deepEqual(
      synced.run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]),
      [['scaled-c', 'update']],
    );
    const { body: live } = await stack.nomad('/v1/job/scaled-c');
    assert.deepEqual([live.TaskGroups[0].Count, live.TaskGroups[0].Tasks[0].Config.image], [6, 'nginx:1.28']);
    assert.equal(synced.status.sync.status, 'Synced');
  });
});
