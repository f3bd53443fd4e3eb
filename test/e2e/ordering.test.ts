import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/process.js';
import { Stack } from '../helpers/stack.js';

const update = { MaxParallel: 1, AutoRevert: true, HealthCheck: 'checks', MinHealthyTime: 0, HealthyDeadline: 60e9 };
/** A service job with an update block, so Nomad runs a deployment and health follows it. */
function service(id: string, options: { image?: string; meta?: Record<string, string> } = {}) {
  const task = { Name: 'app', Driver: 'docker', Config: { image: options.image ?? 'nginx:1.27' } };
  return {
    Job: {
      ID: id,
      Type: 'service',
      Datacenters: ['dc1'],
      ...(options.meta ? { Meta: options.meta } : {}),
      Update: update,
      TaskGroups: [{ Name: 'main', Count: 1, Tasks: [task] }],
    },
  };
}

type Deployment = { Status: string; ModifyIndex: number };

/** The Raft index at which a job was first registered, and at which its first deployment succeeded. */
async function indexes(stack: Stack, id: string): Promise<{ created: number; healthy: number }> {
  const { body: job } = await stack.nomad(`/v1/job/${id}`);
  const { body: deployments } = await stack.nomad<Deployment[]>(`/v1/job/${id}/deployments`);
  const healthy = deployments.filter((d) => d.Status === 'successful').map((d) => d.ModifyIndex);
  return { created: job.CreateIndex, healthy: Math.min(...healthy) };
}

const synced = (view: { status: { sync: { status: string }; health: { status: string } } }) =>
  view.status.sync.status === 'Synced' && view.status.health.status === 'Healthy';

describe('ordering between apps: depends_on', () => {
  let stack: Stack;
  before(async () => {
    const app = (path: string, extra: Record<string, unknown> = {}) => ({
      repository: 'jobs',
      revision: 'main',
      path,
      ...extra,
    });
    stack = await Stack.start(
      { apps: { c: app('c', { depends_on: ['b'] }), b: app('b', { depends_on: ['a'] }), a: app('a') } },
      (repo) => {
        repo.write('a/a.json', service('a')).write('b/b.json', service('b')).write('c/c.json', service('c'));
        repo.commit('a chain of three apps');
      },
    );
  });
  after(() => stack.stop());

  test('given a chain c -> b -> a, when Drover starts, then each app syncs only once the one it depends on is healthy', async () => {
    for (const name of ['a', 'b', 'c']) await stack.waitForApp(name, 'Synced and Healthy', synced);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((id) => indexes(stack, id)));
    // One Raft index orders every write in the cluster: b was registered after a's deployment succeeded, c after b's.
    assert.ok(b!.created > a!.healthy, `b registered at ${b!.created}, a healthy at ${a!.healthy}`);
    assert.ok(c!.created > b!.healthy, `c registered at ${c!.created}, b healthy at ${b!.healthy}`);
  });

  test('given one commit that changes all three, when all are refreshed at once, then they still sync in order', async () => {
    for (const id of ['a', 'b', 'c']) stack.repo.write(`${id}/${id}.json`, service(id, { meta: { release: '3' } }));
    stack.repo.commit('release 3 everywhere');
    await Promise.all(['c', 'b', 'a'].map((name) => stack.refresh(name)));
    for (const name of ['a', 'b', 'c'])
      await stack.waitForApp(
        name,
        'release 3 Synced and Healthy',
        (v) => synced(v) && v.status.lastSync?.result === 'Succeeded',
      );
    const latest = async (id: string) => {
      const { body: job } = await stack.nomad(`/v1/job/${id}`);
      const { body: deployments } = await stack.nomad<Array<Deployment & { JobSpecModifyIndex: number }>>(
        `/v1/job/${id}/deployments`,
      );
      const release = deployments.find((d) => d.JobSpecModifyIndex === job.JobModifyIndex && d.Status === 'successful');
      return { written: job.JobModifyIndex as number, healthy: release?.ModifyIndex ?? Infinity };
    };
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(latest));
    assert.ok(b!.written > a!.healthy, `b written at ${b!.written}, a's release healthy at ${a!.healthy}`);
    assert.ok(c!.written > b!.healthy, `c written at ${c!.written}, b's release healthy at ${b!.healthy}`);
  });

  test('given a dependency whose new release fails, then its dependent waits, says for what, and refuses a manual sync', async () => {
    await stack.nomad('/_sim/faults/allocations', { json: { job: 'a', image: 'nginx:broken' }, method: 'POST' });
    stack.repo.write('a/a.json', service('a', { image: 'nginx:broken' }));
    stack.repo.write('b/b.json', service('b', { meta: { release: '2' } }));
    stack.repo.commit('a broken a, and a new b');
    await stack.refresh('a');
    await stack.waitForApp('a', 'its failed deployment', (v) =>
      v.status.conditions.some((x: { type: string }) => x.type === 'DeploymentFailed'),
    );
    const { body: b } = await stack.refresh('b');
    const waiting = b.status.conditions.find((x: { type: string }) => x.type === 'WaitingForDependency');
    assert.ok(waiting, JSON.stringify(b.status.conditions));
    assert.match(waiting.message, /^syncs wait until a \((OutOfSync|Degraded)\) is Synced and Healthy$/);
    assert.equal(b.run, undefined, 'nothing was synced');
    const { body: live } = await stack.nomad('/v1/job/b');
    assert.equal(live.Meta?.release, '3', 'b was not written');
    const manual = await stack.api('/api/v1/apps/b/sync', { json: {} });
    assert.equal(manual.status, 409);
    assert.equal(manual.body.error.code, 'DROVER_ERR_DEPENDENCY_NOT_READY');
    assert.match(manual.body.error.message, /waits for its dependencies: a \(/);
  });
});

describe('ordering inside an app: job waves', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      { apps: { shop: { repository: 'jobs', revision: 'main', path: 'shop', waves: { edge: 2 } } } },
      (repo) => {
        repo.write('shop/db.json', service('db'));
        repo.write('shop/web.json', service('web', { meta: { 'drover.wave': '1' } }));
        repo.write('shop/edge.json', service('edge'));
        repo.commit('three waves');
      },
    );
  });
  after(() => stack.stop());

  test('given three waves, then each is registered only once the wave before it is healthy', async () => {
    const view = await stack.waitForApp('shop', 'Synced and Healthy', synced);
    const [db, web, edge] = await Promise.all(['db', 'web', 'edge'].map((id) => indexes(stack, id)));
    assert.ok(web!.created > db!.healthy, `web registered at ${web!.created}, db healthy at ${db!.healthy}`);
    assert.ok(edge!.created > web!.healthy, `edge registered at ${edge!.created}, web healthy at ${web!.healthy}`);
    const waves = Object.fromEntries(view.status.jobs.map((j: { id: string; wave: number }) => [j.id, j.wave]));
    assert.deepEqual(waves, { db: 0, web: 1, edge: 2 });
    // History: the first run wrote wave 0 and recorded why the later waves waited.
    const { body } = await stack.api('/api/v1/apps/shop/history?limit=10');
    const first = body.history.at(-1);
    const actions = Object.fromEntries(first.jobs.map((j: { id: string }) => [j.id, j]));
    assert.equal(actions.db.action, 'create');
    assert.equal(actions.db.wave, 0);
    assert.equal(actions.web.action, 'skipped');
    assert.match(actions.web.message, /^wave 1 waits for wave 0 to be synced and healthy/);
    assert.equal(actions.edge.wave, 2);
  });

  test('given a wave whose new release fails, then the next wave is not written', async () => {
    await stack.nomad('/_sim/faults/allocations', { json: { job: 'db', image: 'nginx:broken' }, method: 'POST' });
    stack.repo.write('shop/db.json', service('db', { image: 'nginx:broken' }));
    stack.repo.write('shop/web.json', service('web', { meta: { 'drover.wave': '1', release: '2' } }));
    stack.repo.commit('a broken db, and a new web');
    await stack.refresh('shop');
    // Nomad rolls db back to the last good version: healthy again, but not what git asks for.
    const dbRolledBack = (v: {
      status: { jobs: Array<{ id: string; status: string; health?: { status: string } }> };
    }) => v.status.jobs.some((j) => j.id === 'db' && j.status === 'OutOfSync' && j.health?.status === 'Healthy');
    await stack.waitForApp('shop', 'db rolled back', dbRolledBack);
    const { body: again } = await stack.refresh('shop');
    assert.ok(again.status.conditions.some((x: { type: string }) => x.type === 'DeploymentFailed'));
    const waiting = again.status.conditions.find((x: { type: string }) => x.type === 'WaitingForWave');
    assert.ok(waiting, JSON.stringify(again.status.conditions));
    assert.match(waiting.message, /^web: waits for wave 0 to be synced and healthy \(db is OutOfSync\)$/);
    const { body: live } = await stack.nomad('/v1/job/web');
    assert.equal(live.Meta?.release, undefined, 'web was not written');
  });
});

describe('job waves of a manual sync', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      { apps: { billing: { repository: 'jobs', revision: 'main', path: 'billing', sync: { automated: false } } } },
      (repo) => {
        repo.write('billing/db.json', service('db'));
        repo.write('billing/api.json', service('api', { meta: { 'drover.wave': '1' } }));
        repo.commit('two waves, synced by hand');
      },
    );
  });
  after(() => stack.stop());

  test('given an app synced by hand, when a person syncs it, then the sync writes wave 0 and goes on with wave 1 once it is healthy', async () => {
    const { body } = await stack.api('/api/v1/apps/billing/sync', { json: {} });
    const actions = Object.fromEntries(body.run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]));
    assert.deepEqual(actions, { db: 'create', api: 'skipped' });
    assert.ok(body.status.conditions.some((x: { type: string }) => x.type === 'WaitingForWave'));
    await stack.waitForApp('billing', 'Synced and Healthy', synced);
    const [db, api] = await Promise.all(['db', 'api'].map((id) => indexes(stack, id)));
    assert.ok(api!.created > db!.healthy, `api registered at ${api!.created}, db healthy at ${db!.healthy}`);
    const { body: history } = await stack.api('/api/v1/apps/billing/history');
    // Two runs, both the person's sync: no automated sync ever ran for this app.
    const runs = history.history.map((run: { trigger: string; requestedBy?: string }) => [
      run.trigger,
      run.requestedBy,
    ]);
    assert.equal(runs.length, 2);
    assert.match(runs[0][1], /\(test-stack\)$/);
    assert.deepEqual(runs, [runs[1], runs[1]]);
  });
});

describe('sync windows', () => {
  let stack: Stack;
  const clock = new FakeClock(Date.parse('2026-03-02T20:00:00Z'));
  before(async () => {
    stack = await Stack.start(
      {
        apps: { web: { repository: 'jobs', revision: 'main', path: 'web' } },
        config: { sync_window: [{ kind: 'deny', schedule: '0 22 * * *', duration: '2h', apps: ['web'] }] },
        start: { clock },
      },
      (repo) => {
        repo.write('web/web.json', service('web'));
        repo.commit('web');
      },
    );
  });
  after(() => stack.stop());

  test('given a deny window, then a commit made inside it waits until it ends, and syncs when it does', async () => {
    await stack.waitForApp('web', 'synced outside the window', synced);
    clock.set('2026-03-02T22:30:00Z');
    const { body: windows } = await stack.api('/api/v1/sync-windows');
    assert.equal(windows.windows[0].active, true);
    assert.equal(windows.windows[0].activeUntil, '2026-03-03T00:00:00.000Z');
    assert.deepEqual(windows.windows[0].matchedApps, ['web']);

    stack.repo.write('web/web.json', service('web', { meta: { release: '2' } }));
    const sha = stack.repo.commit('release 2');
    const { body: held } = await stack.refresh('web');
    assert.equal(held.status.sync.status, 'OutOfSync');
    const condition = held.status.conditions.find((x: { type: string }) => x.type === 'SyncWindow');
    assert.ok(condition, JSON.stringify(held.status.conditions));
    assert.match(
      condition.message,
      /^automated syncs wait until 2026-03-03T00:00:00\.000Z: inside deny window "0 22 \* \* \*" for 2h/,
    );
    assert.equal((await stack.nomad('/v1/job/web')).body.Meta?.release, undefined, 'nothing written inside the window');
    const manual = await stack.api('/api/v1/apps/web/sync', { json: {} });
    assert.equal(manual.status, 409);
    assert.equal(manual.body.error.code, 'DROVER_ERR_SYNC_WINDOW');
    assert.match(manual.body.error.message, /may not sync until 2026-03-03T00:00:00\.000Z/);
    const { body: history } = await stack.api('/api/v1/apps/web/history');
    const rollback = await stack.api('/api/v1/apps/web/rollback', { json: { id: history.history[0].id } });
    assert.equal(rollback.status, 409);
    assert.equal((await stack.api('/api/v1/apps/web')).body.status.pin, undefined, 'a refused rollback pins nothing');
    assert.deepEqual(clock.pending(), [Date.parse('2026-03-03T00:00:00Z')], 'a wake is set for the end of the window');

    clock.set('2026-03-03T00:00:01Z');
    const view = await stack.waitForApp('web', 'synced once the window ended', (v) => v.status.sync.revision === sha);
    assert.ok(!view.status.conditions.some((x: { type: string }) => x.type === 'SyncWindow'));
    await waitFor('release 2 in Nomad', async () =>
      (await stack.nomad('/v1/job/web')).body.Meta?.release === '2' ? true : undefined,
    );
  });
});
