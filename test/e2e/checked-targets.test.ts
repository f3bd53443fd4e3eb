import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('checked targets: sync and rollback only to what git has, only the jobs the app renders', () => {
  let stack: Stack;
  const revisions: string[] = [];
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          healed: {
            repository: 'jobs',
            revision: 'main',
            path: 'healed',
            sync: { automated: true, self_heal: true },
          },
        },
      },
      (repo) => {
        revisions.push(repo.write('healed/web.json', serviceJob('healed-web', { image: 'app:v1' })).commit('v1'));
      },
    );
    revisions.push(stack.repo.write('healed/web.json', serviceJob('healed-web', { image: 'app:v2' })).commit('v2'));
    await stack.refresh('healed');
  });
  after(() => stack.stop());

  const image = async () => (await stack.nomad('/v1/job/healed-web')).body.TaskGroups[0].Tasks[0].Config.image;

  test('given an unknown SHA, when rolled back or synced to it, then 404 DROVER_ERR_GIT_REVISION, nothing changes, nothing is pinned', async () => {
    const before = await stack.api('/api/v1/apps/healed');
    const unknown = 'deadbeef'.repeat(5);
    const rolled = await stack.api('/api/v1/apps/healed/rollback', { json: { revision: unknown } });
    assert.equal(rolled.status, 404);
    assert.equal(rolled.body.error.code, 'DROVER_ERR_GIT_REVISION');
    assert.match(rolled.body.error.message, new RegExp(`revision "${unknown}" not found`));
    const synced = await stack.api('/api/v1/apps/healed/sync', { json: { revision: unknown } });
    assert.equal(synced.status, 404);
    assert.equal(synced.body.error.code, 'DROVER_ERR_GIT_REVISION');

    const after = await stack.api('/api/v1/apps/healed');
    assert.equal(after.body.status.pin, undefined, 'not pinned');
    assert.deepEqual(after.body.status.sync, before.body.status.sync);
    assert.equal(await image(), 'app:v2');
    const { body } = await stack.api('/api/v1/apps/healed/history');
    assert.equal(body.history.length, 1, 'no sync run was recorded');
  });

  test('given jobs the app does not render, when synced, then 400 names them and nothing is written', async () => {
    const response = await stack.api('/api/v1/apps/healed/sync', { json: { jobs: ['nope', 'healed-web', 'other'] } });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'DROVER_ERR_BAD_REQUEST');
    assert.match(response.body.error.message, /does not render "nope", "other" \(it renders: healed-web\)/);
    const { body } = await stack.api('/api/v1/apps/healed/history');
    assert.equal(body.history.length, 1);
  });

  test('given self_heal, when an older revision is synced, then the answer warns that self-heal undoes it and offers pin', async () => {
    const response = await stack.api('/api/v1/apps/healed/sync', { json: { revision: revisions[0] } });
    assert.equal(response.status, 200);
    assert.equal(await image(), 'app:v1');
    assert.equal(response.body.warnings.length, 1);
    assert.match(response.body.warnings[0], /automated sync with self_heal: the next reconcile will put "main"/);
    assert.match(response.body.warnings[0], /"pin": true/);
    assert.equal(response.body.status.pin, undefined);
  });

  test('given pin: true, when an older revision is synced, then the app stays there across refreshes, with no warning', async () => {
    const response = await stack.api('/api/v1/apps/healed/sync', { json: { revision: revisions[0], pin: true } });
    assert.equal(response.status, 200);
    assert.equal(response.body.warnings, undefined);
    assert.equal(response.body.status.pin.revision, revisions[0]);
    await stack.refresh('healed');
    assert.equal(await image(), 'app:v1', 'self-heal leaves a pinned app alone');
    const unpinned = await stack.api('/api/v1/apps/healed/unpin', { method: 'POST' });
    assert.equal(unpinned.status, 200);
    assert.equal(await image(), 'app:v2');
  });
});
