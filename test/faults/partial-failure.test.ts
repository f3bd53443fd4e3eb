import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob, type ProxiedStack } from '../helpers/stack.js';

// Issue 14, hole 1: one register failing while the others in the same commit succeed.
describe('fault: a sync that partly fails', () => {
  let stack: ProxiedStack;
  before(async () => {
    stack = await Stack.startBehindProxy(
      {
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: { automated: true, retry: { limit: 5, backoff: '300ms', factor: 2, max_backoff: '2s' } },
          },
        },
      },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).commit('a');
      },
    );
    await stack.waitForApp('web', 'Synced at start', (v) => v.status.sync.status === 'Synced');
  });
  after(() => stack.stop());

  test('given one of three registers failing once, when the others succeed, then the backoff retry syncs it with no trigger', async () => {
    // Given: b's register answers 500 once; a and c go through (and their writes wake the job-list watch).
    stack.proxy.fail(/^\/v1\/job\/b$/, 500, { method: 'PUT', times: 1, body: 'rpc error: leader changed' });
    stack.repo
      .write('jobs/a.json', serviceJob('a', { count: 2 }))
      .write('jobs/b.json', serviceJob('b'))
      .write('jobs/c.json', serviceJob('c'));
    const sha = stack.repo.commit('a scaled, b and c added');
    // When: the commit arrives (a refresh, as a webhook would).
    const { body: first } = await stack.refresh('web');
    // Then: the run failed and says why; the condition stays while the retry is pending.
    assert.equal(first.run.result, 'Failed');
    assert.match(first.status.conditions.find((c: { type: string }) => c.type === 'SyncError').message, /b: .*500/);
    // No refresh, no commit from here: only the controller's retry can finish the job.
    const synced = await stack.waitForApp('web', 'the retry syncs b', (v) => v.status.sync.status === 'Synced');
    assert.equal(synced.status.sync.revision, sha);
    assert.equal(synced.status.lastSync.result, 'Succeeded');
    assert.equal(synced.status.lastSync.trigger, 'retry');
    assert.ok(!synced.status.conditions.some((c: { type: string }) => c.type === 'SyncError'));
    assert.equal((await stack.nomad('/v1/job/b')).status, 200);
  });

  test('given a register failing, the SyncError condition survives the drift events that follow the other writes', async () => {
    // Given: d always fails for now; e goes through.
    stack.proxy.fail(/^\/v1\/job\/d$/, 500, { method: 'PUT', body: 'rpc error: permission denied on node pool' });
    stack.repo.write('jobs/d.json', serviceJob('d')).write('jobs/e.json', serviceJob('e')).commit('d and e');
    const { body: first } = await stack.refresh('web');
    assert.equal(first.run.result, 'Failed');
    // When: the watch's events and the retries run (a few backoff steps).
    await stack.waitForApp('web', 'a retry ran', (v) => v.status.lastSync.trigger === 'retry');
    // Then: still OutOfSync with the reason; a refresh asked by a person retries at once.
    const { body: still } = await stack.api('/api/v1/apps/web');
    assert.equal(still.status.sync.status, 'OutOfSync');
    assert.ok(still.status.conditions.some((c: { type: string }) => c.type === 'SyncError'));
    stack.proxy.clearFaults();
    const { body: refreshed } = await stack.refresh('web');
    assert.equal(refreshed.status.sync.status, 'Synced');
    assert.equal(refreshed.run.result, 'Succeeded');
  });
});
