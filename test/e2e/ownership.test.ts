import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('jobs Drover does not own', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          first: { repository: 'jobs', revision: 'main', path: 'first', sync: { automated: true, prune: true } },
          second: { repository: 'jobs', revision: 'main', path: 'second', sync: { automated: true, prune: true } },
          adopter: { repository: 'jobs', revision: 'main', path: 'adopter', sync: { automated: true, adopt: true } },
        },
      },
      (repo) => {
        repo
          .write('first/shared.json', serviceJob('shared'))
          .write('second/own.json', serviceJob('second-own'))
          .write('adopter/legacy.json', serviceJob('legacy', { count: 3 }))
          .write('adopter/forged.json', serviceJob('forged'))
          .commit('overlapping apps');
      },
    );
    // Jobs that were in Nomad before Drover: one by hand, one copied from a Drover job with its marker.
    await stack.nomad('/v1/jobs', { json: serviceJob('legacy', { count: 1, meta: { owner: 'ops' } }) });
    await stack.nomad('/v1/jobs', {
      json: serviceJob('forged', { meta: { 'drover.app': 'adopter', 'drover.job': 'default/legacy' } }),
    });
    await stack.nomad('/v1/jobs', {
      json: serviceJob('stray', { meta: { 'drover.app': 'second', 'drover.job': 'default/other' } }),
    });
    await stack.refresh('first');
  });
  after(() => stack.stop());

  test('given a job owned by one app, when another app renders the same ID, then it is left alone with a SharedJob condition', async () => {
    const before = (await stack.nomad('/v1/job/shared')).body;
    assert.equal(before.Meta['drover.app'], 'first');
    stack.repo.write('second/shared.json', serviceJob('shared', { image: 'nginx:9' })).commit('second claims shared');
    const { body: app } = await stack.refresh('second');
    assert.equal(app.status.sync.status, 'OutOfSync');
    assert.match(
      app.status.conditions.find((c: { type: string }) => c.type === 'SharedJob').message,
      /owned by app "first"/,
    );
    const after = (await stack.nomad('/v1/job/shared')).body;
    assert.equal(after.JobModifyIndex, before.JobModifyIndex, 'never written');
    assert.equal(after.TaskGroups[0].Tasks[0].Config.image, 'nginx:1.27');
    assert.equal((await stack.nomad('/v1/job/second-own')).status, 200, 'the rest of the app still syncs');
  });

  test('a marker copied onto another job is not trusted: the job is neither pruned nor adopted', async () => {
    const { body: second } = await stack.api('/api/v1/apps/second');
    assert.equal(
      second.status.jobs.some((j: { id: string }) => j.id === 'stray'),
      false,
      'not counted as Extra',
    );
    assert.equal((await stack.nomad('/v1/job/stray')).body.Stop, false, 'not pruned');

    const { body: adopter } = await stack.refresh('adopter');
    assert.match(
      adopter.status.conditions.find((c: { message: string }) => c.message.includes('forged')).message,
      /copied from "default\/legacy"/,
    );
    assert.equal((await stack.nomad('/v1/job/forged')).body.Meta['drover.job'], 'default/legacy', 'never written');
  });

  test('with adopt, a job nobody owns is taken over and gets the marker', async () => {
    const legacy = (await stack.nomad('/v1/job/legacy')).body;
    assert.equal(legacy.Meta['drover.app'], 'adopter');
    assert.equal(legacy.Meta['drover.job'], 'default/legacy');
    assert.equal(legacy.TaskGroups[0].Count, 3);
  });

  test('without adopt, an unowned job is reported and left alone', async () => {
    await stack.nomad('/v1/jobs', { json: serviceJob('handmade') });
    stack.repo.write('first/handmade.json', serviceJob('handmade', { count: 4 })).commit('claim handmade');
    const { body: app } = await stack.refresh('first');
    assert.match(
      app.status.conditions.find((c: { type: string }) => c.type === 'UnownedJob').message,
      /set sync\.adopt = true/,
    );
    assert.equal((await stack.nomad('/v1/job/handmade')).body.TaskGroups[0].Count, 1);
  });
});
