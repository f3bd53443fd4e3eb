import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/git.js';
import { Stack, serviceJob, type ProxiedStack } from '../helpers/stack.js';

const SECRET = 'fault-suite-hook-secret';

type View = { status: { sync: { status: string; revision: string } } };

// Many triggers on one app at once: reconciles never overlap, and every job is written once per change.
describe('fault: concurrent triggers', () => {
  const secrets = tempDir('drover-hook-');
  let stack: ProxiedStack;
  before(async () => {
    writeFileSync(join(secrets.path, 'hook'), SECRET);
    stack = await Stack.startBehindProxy(
      {
        repository: { webhook_secret_file: join(secrets.path, 'hook') },
        apps: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } } },
      },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).write('jobs/b.json', serviceJob('b')).commit('a and b');
      },
    );
    await stack.waitForApp('web', 'Synced', (v: View) => v.status.sync.status === 'Synced');
  });
  after(async () => {
    await stack.stop();
    secrets.cleanup();
  });

  const registers = (id: string) => stack.proxy.count('PUT', new RegExp(`^/v1/job/${id}$`));

  test('given two refreshes and a manual sync at once, they are served one at a time and each change is written once', async () => {
    const sha = stack.repo.write('jobs/a.json', serviceJob('a', { count: 2 })).commit('scale a');
    stack.proxy.reset();
    const answers = await Promise.all([
      stack.refresh('web'),
      stack.refresh('web'),
      stack.api('/api/v1/apps/web/sync', { json: {} }),
    ]);
    for (const { status, body } of answers) {
      assert.equal(status, 200);
      assert.equal((body as View).status.sync.revision, sha);
    }
    assert.equal(registers('a'), 1, 'a registered once for the change');
    assert.equal(registers('b'), 0, 'b did not change');
    const { body: history } = await stack.api('/api/v1/apps/web/history');
    const runs = history.history.filter((r: { revision: string }) => r.revision === sha);
    assert.ok(runs.every((r: { result: string }) => r.result === 'Succeeded'));
  });

  test('given a burst of 100 push webhooks, they coalesce into a few reconciles and the app ends on the last commit', async () => {
    const sha = stack.repo.write('jobs/c.json', serviceJob('c')).commit('add c');
    stack.proxy.reset();
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: stack.repo.path } });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(`${stack.drover.url}/api/v1/webhooks/git`, { method: 'POST', body, headers }).then((r) => r.status),
      ),
    );
    assert.deepEqual([...new Set(answers)], [202]);
    const view: View = await stack.waitForApp(
      'web',
      'on the pushed commit',
      (v: View) => v.status.sync.revision === sha,
    );
    assert.equal(view.status.sync.status, 'Synced');
    assert.equal(registers('c'), 1, 'c registered once');
    assert.ok(
      stack.proxy.count('GET', /^\/v1\/jobs$/) < 20,
      `a burst costs a few reconciles (${stack.proxy.count('GET', /^\/v1\/jobs$/)} list calls)`,
    );
  });
});
