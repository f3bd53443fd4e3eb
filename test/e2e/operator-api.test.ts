import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, serviceJob } from '../helpers/stack.js';
import { SSEClient } from '../helpers/sse.js';
import { liveEvent } from '../../src/server/schemas.js';

/** The value of one sample in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',');
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

describe('the operator API: live events, metrics, clusters, repositories, health', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      { apps: { web: { repository: 'jobs', revision: 'main', path: 'web', sync: { automated: true } } } },
      (repo) => repo.write('web/web.json', serviceJob('op-web', { image: 'app:v1' })).commit('v1'),
    );
    await stack.refresh('web');
  });
  after(() => stack.stop());
  const auth = () => ({ authorization: `Bearer ${stack.adminToken}` });

  test('given no token, the event stream and the cluster and repository lists answer 401', async () => {
    const stream = await SSEClient.open(`${stack.drover.url}/api/v1/events`);
    stream.close();
    assert.equal(stream.status, 401);
    for (const path of ['/api/v1/clusters', '/api/v1/repositories']) {
      const { status, body } = await stack.api(path, { headers: { authorization: '' } });
      assert.equal(status, 401, path);
      assert.equal(body.error.code, 'DROVER_ERR_UNAUTHENTICATED');
    }
  });

  test('given a stream, when a commit syncs, then each job action arrives as written, then the finish and the status', async () => {
    const stream = await SSEClient.open(`${stack.drover.url}/api/v1/events`, auth());
    try {
      assert.equal(stream.status, 200);
      stack.repo.write('web/web.json', serviceJob('op-web', { image: 'app:v2' })).commit('v2');
      await stack.refresh('web');
      const started = await stream.waitFor((e) => e.event === 'sync.started');
      const job = await stream.waitFor((e) => e.event === 'sync.job');
      const finished = await stream.waitFor((e) => e.event === 'sync.finished');
      const action = JSON.parse(job.data);
      assert.equal(action.app, 'web');
      assert.deepEqual([action.action.id, action.action.action, action.action.result], ['op-web', 'update', 'ok']);
      assert.equal(JSON.parse(finished.data).result, 'Succeeded');
      assert.ok(Number(started.id) < Number(job.id) && Number(job.id) < Number(finished.id), 'IDs increase');
      const status = await stream.waitFor((e) => e.event === 'app.status' && JSON.parse(e.data).app === 'web');
      assert.equal(JSON.parse(status.data).status.sync.status, 'Synced');
      // Every event matches the LiveEvent schema of the OpenAPI document, and its name is its type.
      for (const event of stream.events) {
        const data = liveEvent.parse(JSON.parse(event.data));
        assert.equal(event.event, data.type);
      }
    } finally {
      stream.close();
    }
  });

  test('given a Last-Event-ID, when reconnecting, then the stream resumes after it; an ID the ring lost gets resync', async () => {
    const first = await SSEClient.open(`${stack.drover.url}/api/v1/events`, auth());
    stack.repo.write('web/web.json', serviceJob('op-web', { image: 'app:v3' })).commit('v3');
    await stack.refresh('web');
    const started = await first.waitFor((e) => e.event === 'sync.started');
    const finished = await first.waitFor((e) => e.event === 'sync.finished');
    first.close();

    const resumed = await SSEClient.open(`${stack.drover.url}/api/v1/events`, {
      ...auth(),
      'last-event-id': started.id!,
    });
    try {
      const replayed = await resumed.waitFor((e) => e.id === finished.id);
      assert.ok(!resumed.events.some((e) => e.id === started.id), 'the event named is not sent again');
      assert.ok(resumed.events.every((e) => Number(e.id) > Number(started.id)));
      assert.equal(replayed.event, 'sync.finished');
    } finally {
      resumed.close();
    }
    const stale = await SSEClient.open(`${stack.drover.url}/api/v1/events`, { ...auth(), 'last-event-id': '1' });
    try {
      await stale.waitFor((e) => e.event === 'resync');
    } finally {
      stale.close();
    }
  });

  test('given syncs, when /metrics is scraped without a session, then counters, gauges and process metrics carry their values', async () => {
    const response = await fetch(`${stack.drover.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.ok(sample(text, 'drover_syncs_total', { app: 'web', result: 'Succeeded' })! >= 3);
    assert.ok(sample(text, 'drover_sync_duration_seconds_count', { app: 'web', result: 'Succeeded' })! >= 3);
    assert.ok(sample(text, 'drover_reconciles_total', { app: 'web', result: 'ok' })! >= 3);
    assert.ok(sample(text, 'drover_reconcile_duration_seconds_bucket', { app: 'web', le: '+Inf' })! >= 3);
    assert.equal(sample(text, 'drover_app_sync_status', { app: 'web', status: 'Synced' }), 1);
    assert.equal(sample(text, 'drover_app_sync_status', { app: 'web', status: 'OutOfSync' }), 0);
    assert.equal(sample(text, 'drover_app_health_status', { app: 'web', status: 'Unknown' }), 0);
    assert.ok(sample(text, 'drover_git_fetches_total', { outcome: 'ok' })! >= 3);
    assert.ok(sample(text, 'drover_nomad_requests_total', { cluster: 'default', method: 'PUT', outcome: 'ok' })! >= 3);
    assert.ok(sample(text, 'drover_nomad_request_duration_seconds_count', { cluster: 'default', method: 'GET' })! > 0);
    assert.equal(sample(text, 'drover_queue_depth'), 0);
    assert.notEqual(sample(text, 'drover_workers_busy'), undefined);
    assert.ok(sample(text, 'process_resident_memory_bytes')! > 0);
  });

  test('given a scraper that sends a bearer token, then a valid token scrapes and a bad one answers 401', async () => {
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    assert.equal((await fetch(`${stack.drover.url}/metrics`, bearer(stack.adminToken))).status, 200);
    const bad = await fetch(`${stack.drover.url}/metrics`, bearer('drv_000000000000_not-a-token'));
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'DROVER_ERR_UNAUTHENTICATED');
  });

  test('given the config, when clusters and repositories are listed, then reachability and last contact show, never a secret', async () => {
    const { status, body } = await stack.api('/api/v1/clusters');
    assert.equal(status, 200);
    assert.equal(body.clusters.length, 1);
    const [cluster] = body.clusters;
    assert.deepEqual(
      [cluster.name, cluster.address, cluster.reachable, cluster.auth],
      ['default', new URL(stack.nomadAddress).toString(), true, 'none'],
    );
    assert.ok(Date.now() - Date.parse(cluster.lastContact) < 120_000);
    assert.deepEqual(cluster.apps, ['web']);

    const repos = await stack.api('/api/v1/repositories');
    assert.equal(repos.status, 200);
    const [repo] = repos.body.repositories;
    assert.deepEqual([repo.name, repo.reachable, repo.pollInterval, repo.webhook], ['jobs', true, '1h', false]);
    assert.deepEqual(repo.apps, ['web']);
    assert.ok(Date.parse(repo.lastFetch) > 0);
  });

  test('given a running server, /healthz and /readyz answer; when Nomad goes away, /readyz answers 503 naming the cluster', async () => {
    const health = await fetch(`${stack.drover.url}/healthz`);
    assert.deepEqual([health.status, await health.text()], [200, 'ok']);
    const ready = await stack.api('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(
      ready.body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]),
      [
        ['store', true],
        ['config', true],
        ['clusters', true],
      ],
    );
    await stack.sim.close();
    // Readiness follows the cluster's answers: wait (bounded) for the watch to notice.
    let answer = await stack.api('/readyz');
    for (let i = 0; i < 50 && answer.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await stack.api('/readyz');
    }
    assert.equal(answer.status, 503);
    assert.equal(answer.body.ready, false);
    const clusters = answer.body.checks.find((c: { name: string }) => c.name === 'clusters');
    assert.match(clusters.reason, /cluster "default"/);
  });
});
