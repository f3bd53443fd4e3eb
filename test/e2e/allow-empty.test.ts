import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('an emptied source with allow_empty', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: { automated: true, prune: true, allow_empty: true },
          },
        },
      },
      (repo) => {
        repo
          .write('jobs/a.json', serviceJob('a'))
          .write('jobs/b.json', serviceJob('b'))
          .write('README.md', 'jobs live in jobs/')
          .commit('a and b');
      },
    );
    await stack.refresh('web');
  });
  after(() => stack.stop());

  test('when every job file is removed, then every owned job is stopped (not purged) and the app is Synced with no jobs', async () => {
    // The folder stays (a README): a folder that is gone is SourcePathMissing, which never prunes.
    const sha = stack.repo
      .remove('jobs/a.json')
      .remove('jobs/b.json')
      .write('jobs/README.md', 'retired')
      .commit('retire the app');
    const { body: app } = await stack.refresh('web');
    assert.deepEqual(app.run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]).sort(), [
      ['a', 'prune'],
      ['b', 'prune'],
    ]);
    assert.equal(app.status.sync.status, 'Synced');
    assert.equal(app.status.sync.revision, sha);
    for (const id of ['a', 'b']) {
      const { status, body } = await stack.nomad(`/v1/job/${id}`);
      assert.deepEqual([status, body.Stop], [200, true], `${id} is stopped and Nomad keeps its history`);
    }
  });
});
