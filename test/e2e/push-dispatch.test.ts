import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/process.js';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('a commit to a repository shared by many apps', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        pollInterval: '200ms',
        apps: {
          web: { repository: 'jobs', revision: 'main', path: 'web', sync: { automated: true } },
          api: { repository: 'jobs', revision: 'main', path: 'api', sync: { automated: true } },
        },
      },
      (repo) => {
        repo.write('web/web.json', serviceJob('web')).write('api/api.json', serviceJob('api')).commit('two apps');
      },
    );
    await stack.refresh('web');
    await stack.refresh('api');
    // Health-driven reconciles settle once both jobs run; after that only the commit acts.
    await waitFor('both healthy', async () => {
      const apps = await Promise.all(
        ['web', 'api'].map(async (name) => (await stack.api(`/api/v1/apps/${name}`)).body),
      );
      return apps.every((a) => a.status.health.status === 'Healthy') ? true : undefined;
    });
    // ...and the deployments have marked their versions stable (one more reconcile each): wait for a quiet second.
    let last = '';
    await waitFor('no more reconciles', async () => {
      const seen = JSON.stringify(
        await Promise.all(
          ['web', 'api'].map(async (name) => (await stack.api(`/api/v1/apps/${name}`)).body.status.observedAt),
        ),
      );
      const quiet = seen === last;
      last = seen;
      if (!quiet) await new Promise((r) => setTimeout(r, 900));
      return quiet ? true : undefined;
    });
  });
  after(() => stack.stop());

  test('reconciles only the app whose directory changed; the other moves to the new revision without a reconcile', async () => {
    const { body: apiBefore } = await stack.api('/api/v1/apps/api');
    const sha = stack.repo.write('web/web.json', serviceJob('web', { count: 3 })).commit('scale web');
    const web = await waitFor('web synced at the new commit', async () => {
      const { body } = await stack.api('/api/v1/apps/web');
      return body.status.sync.revision === sha ? body : undefined;
    });
    assert.equal(web.status.lastSync.trigger, 'poll');
    assert.equal((await stack.nomad('/v1/job/web')).body.TaskGroups[0].Count, 3);

    const { body: api } = await stack.api('/api/v1/apps/api');
    assert.equal(api.status.sync.status, 'Synced');
    assert.deepEqual(
      [api.status.sync.revision, api.status.sync.targetRevision],
      [sha, sha],
      'same tree: the app is in sync at the new commit',
    );
    assert.equal(api.status.observedAt, apiBefore.status.observedAt, 'and it was not reconciled for it');
  });

  test('a commit touching an app directory again reconciles it', async () => {
    const sha = stack.repo.write('api/api.json', serviceJob('api', { count: 2 })).commit('scale api');
    await waitFor('api synced at the new commit', async () =>
      (await stack.api('/api/v1/apps/api')).body.status.sync.revision === sha ? true : undefined,
    );
    assert.equal((await stack.nomad('/v1/job/api')).body.TaskGroups[0].Count, 2);
  });
});
