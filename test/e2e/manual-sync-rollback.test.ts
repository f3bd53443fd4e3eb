import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('manual sync, dry-run, rollback and unpin', () => {
  let stack: Stack;
  const revisions: string[] = [];
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          manual: { repository: 'jobs', revision: 'main', path: 'manual', sync: { automated: false, prune: true } },
          auto: { repository: 'jobs', revision: 'main', path: 'auto', sync: { automated: true, prune: true } },
        },
      },
      (repo) => {
        repo.write('manual/a.json', serviceJob('man-a')).write('manual/b.json', serviceJob('man-b'));
        revisions.push(repo.write('auto/web.json', serviceJob('roll', { image: 'app:v1' })).commit('v1'));
      },
    );
    await stack.refresh('auto');
  });
  after(() => stack.stop());

  test('given a manual app, a refresh only reports; a dry-run plans; a selected sync writes only those jobs', async () => {
    const { body: refreshed } = await stack.refresh('manual');
    assert.equal(refreshed.status.sync.status, 'OutOfSync');
    assert.deepEqual(
      refreshed.status.jobs.map((j: { status: string }) => j.status),
      ['Missing', 'Missing'],
    );

    const { body: plan } = await stack.api('/api/v1/apps/manual/sync', { json: { dryRun: true } });
    assert.deepEqual(
      plan.actions.map((a: { id: string; action: string; result: string }) => [a.id, a.action, a.result]),
      [
        ['man-a', 'create', 'planned'],
        ['man-b', 'create', 'planned'],
      ],
    );
    assert.equal((await stack.nomad('/v1/job/man-a')).status, 404, 'a dry-run writes nothing');

    const { body: synced } = await stack.api('/api/v1/apps/manual/sync', { json: { jobs: ['man-a'] } });
    assert.deepEqual(
      synced.run.jobs.map((a: { id: string; action: string }) => [a.id, a.action]),
      [['man-a', 'create']],
    );
    assert.equal((await stack.nomad('/v1/job/man-a')).status, 200);
    assert.equal((await stack.nomad('/v1/job/man-b')).status, 404);
    assert.equal(synced.status.sync.status, 'OutOfSync');

    const bad = await stack.api('/api/v1/apps/manual/sync', { json: { jobs: [] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /jobs/);
  });

  test('given two synced revisions, when rolled back to the first run, then the job goes back, the app is pinned and new commits wait', async () => {
    revisions.push(stack.repo.write('auto/web.json', serviceJob('roll', { image: 'app:v2' })).commit('v2'));
    await stack.refresh('auto');
    assert.equal((await stack.nomad('/v1/job/roll')).body.TaskGroups[0].Tasks[0].Config.image, 'app:v2');
    const { body: history } = await stack.api('/api/v1/apps/auto/history');
    const first = history.history.find((run: { revision: string }) => run.revision === revisions[0]);

    const { body: rolled } = await stack.api('/api/v1/apps/auto/rollback', { json: { id: first.id } });
    assert.equal(rolled.run.trigger, 'rollback');
    assert.equal(rolled.run.revision, revisions[0]);
    assert.equal(rolled.status.pin.revision, revisions[0]);
    assert.equal(rolled.status.sync.status, 'Synced');
    assert.ok(rolled.status.conditions.some((c: { type: string }) => c.type === 'Pinned'));
    assert.equal((await stack.nomad('/v1/job/roll')).body.TaskGroups[0].Tasks[0].Config.image, 'app:v1');

    revisions.push(stack.repo.write('auto/web.json', serviceJob('roll', { image: 'app:v3' })).commit('v3'));
    const { body: waiting } = await stack.refresh('auto');
    assert.equal(waiting.status.sync.targetRevision, revisions[0], 'a pinned app compares against its pin');
    assert.equal((await stack.nomad('/v1/job/roll')).body.TaskGroups[0].Tasks[0].Config.image, 'app:v1');

    const { body: unpinned } = await stack.api('/api/v1/apps/auto/unpin', { method: 'POST' });
    assert.equal(unpinned.status.pin, undefined);
    assert.equal(unpinned.status.sync.revision, revisions[2]);
    assert.equal((await stack.nomad('/v1/job/roll')).body.TaskGroups[0].Tasks[0].Config.image, 'app:v3');
    assert.equal((await stack.api('/api/v1/apps/auto/unpin', { method: 'POST' })).status, 409);
  });

  test('rollback errors name what is wrong', async () => {
    assert.equal((await stack.api('/api/v1/apps/auto/rollback', { json: { id: 9999 } })).status, 404);
    assert.equal((await stack.api('/api/v1/apps/auto/rollback', { json: {} })).status, 400);
    assert.equal((await stack.api('/api/v1/apps/nope/rollback', { json: { id: 1 } })).status, 404);
  });
});
