import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { startSim, type RunningSim } from '../../sim/server.js';
import { parseConfig } from '../../src/config/load.js';
import { startDrover, type RunningDrover } from '../../src/main.js';
import { createApiToken } from '../../src/server/auth/tokens.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/process.js';
import { serviceJob } from '../helpers/stack.js';

const PASSWORD = 'not-a-real-password-7f3a';

describe('drover server on the PostgreSQL store', async () => {
  const server = await startTestPostgres();
  const skip = 'skip' in server ? server.skip : false;
  describe('store { postgres_url_env }', { skip }, () => postgresServer(server as TestPostgres));
});

function postgresServer(pgServer: TestPostgres): void {
  const dir = tempDir('drover-pg-store-');
  const repo = new TestRepo(join(dir.path, 'repo'));
  const logs: string[] = [];
  let sim: RunningSim;
  let drover: RunningDrover;
  let url = '';
  let secret = '';

  before(async () => {
    // A password in the URL (trust auth ignores it): it must show up in no log line and no answer.
    const plain = new URL(await pgServer.newDatabase());
    plain.password = PASSWORD;
    url = plain.toString();
    process.env.DROVER_TEST_STORE_URL = url;
    sim = await startSim({ port: 0, allocDelayMs: 20 });
    repo.write('jobs/web.json', serviceJob('web')).commit('web');
    const config = parseConfig(
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        cluster: { default: { address: sim.url } },
        repository: { jobs: { url: repo.path, poll_interval: '1h' } },
        app: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true } } },
        store: { postgres_url_env: 'DROVER_TEST_STORE_URL' },
      }),
      join(dir.path, 'drover.json'),
      { env: { DROVER_TEST_STORE_URL: url } },
    );
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void logs.push(chunk.toString())) });
    drover = await startDrover(config, pino({ level: 'debug' }, sink));
    // Made beforehand in the shared store, as `drover token create --config` does offline.
    const store = await PostgresStore.open(url);
    secret = (await createApiToken(store, { role: 'admin', name: 'pg' })).secret;
    await store.close();
  });
  after(async () => {
    await drover?.stop();
    await sim?.close();
    await pgServer.stop();
    dir.cleanup();
  });

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${drover.url}${path}`, { ...init, headers: { authorization: `Bearer ${secret}`, ...init.headers } });

  test('given the store, then tokens, history, audit and readiness live in PostgreSQL and the data dir has no database', async () => {
    const ready = await call('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: unknown[] }).checks[0], { name: 'store', ok: true });
    const refreshed = await call('/api/v1/apps/web/refresh', { method: 'POST' });
    assert.equal(refreshed.status, 200, 'a token made in the shared store is accepted');
    const history = await waitFor('a sync run in history', async () => {
      const body = (await (await call('/api/v1/apps/web/history')).json()) as { history: Array<{ result: string }> };
      return body.history.some((r) => r.result === 'Succeeded') ? body.history : undefined;
    });
    const store = await PostgresStore.open(url);
    try {
      assert.deepEqual(
        (await store.listSyncRuns('web')).map((r) => r.id),
        history.map((r) => (r as { id?: number }).id),
        'the API answers from PostgreSQL',
      );
      assert.ok((await store.listAudit()).some((e) => e.action === 'app.refresh' && e.outcome === 'success'));
    } finally {
      await store.close();
    }
    assert.equal(existsSync(join(dir.path, 'data', 'drover.db')), false, 'no SQLite file');
    assert.equal(existsSync(join(dir.path, 'data', 'drover.lock')), false, 'no data-dir lock with the shared store');
  });

  test('given the database is gone, then /readyz answers 503 for the store and /healthz stays ok; the URL is never logged', async () => {
    const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
    const body = await waitFor('readyz 503', async () => {
      const answer = await call('/readyz');
      return answer.status === 503
        ? ((await answer.json()) as { checks: Array<{ name: string; ok: boolean }> })
        : undefined;
    });
    assert.equal(body.checks.find((c) => c.name === 'store')?.ok, false);
    assert.equal((await call('/healthz')).status, 200);
    const refused = await call('/api/v1/apps/web/history');
    assert.equal(refused.status, 503, 'an API call that meets the lost store is 503, not 500');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'DROVER_ERR_STORE');
    assert.ok(!JSON.stringify(body).includes(PASSWORD));
    assert.ok(logs.length > 0 && !logs.join('').includes(PASSWORD), 'no log line carries the password');
  });

  test('given the variable is unset or empty, then opening the store is a config error naming the key, not the URL', async () => {
    for (const value of [undefined, '', '  ']) {
      await assert.rejects(
        () =>
          openStore({ dataDir: dir.path, postgresURLEnv: 'DROVER_TEST_UNSET_URL' }, { DROVER_TEST_UNSET_URL: value }),
        (error: Error & { code?: string }) =>
          error.code === 'DROVER_ERR_CONFIG' &&
          /store\.postgres_url_env: environment variable DROVER_TEST_UNSET_URL/.test(error.message),
      );
    }
  });
}
