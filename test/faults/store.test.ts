import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim/server.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';
import { Stack, serviceJob } from '../helpers/stack.js';

const READY = /Drover listening on (http:\/\/\S+)/;

/** Overwrites every page after the first with garbage: the schema survives, the tables do not. */
function corruptMiddle(file: string): void {
  // Fold the WAL into the main file first, so the garbage is what a reader finds.
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(Math.max(size - 4096, 4096), 0xa5), 0, undefined, 4096);
  closeSync(fd);
}

/** Starts a child that is expected to refuse, returning its output. */
async function refusal(args: string[]): Promise<string> {
  try {
    const child = await startDrover(args, READY);
    await child.stop();
    assert.fail('the server started');
  } catch (error) {
    return (error as Error).message;
  }
}

// Issue 14, holes 2 and 3: two servers on one data dir; a corrupt database.
describe('fault: the data dir and its database', () => {
  const dir = tempDir('drover-fault-store-');
  const dataDir = join(dir.path, 'data');
  const configFile = join(dir.path, 'drover.json');
  let sim: RunningSim;
  let repo: TestRepo;
  const children: Child[] = [];
  before(async () => {
    sim = await startSim({ port: 0 });
    repo = new TestRepo(join(dir.path, 'repo'));
    repo.write('jobs/web.json', serviceJob('web')).commit('web');
    writeFileSync(
      configFile,
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: dataDir,
        cluster: { default: { address: sim.url } },
        repository: { jobs: { url: repo.path, poll_interval: '1h' } },
        app: { web: { repository: 'jobs', revision: 'main', path: 'jobs' } },
      }),
    );
  });
  after(async () => {
    for (const child of children) await child.stop();
    await sim.close();
    dir.cleanup();
  });

  test('given a server running, a second one on the same data dir refuses, naming the dir and the PID; the lock dies with the first', async () => {
    const first = await startDrover(['server', '--config', configFile], READY);
    children.push(first);
    const message = await refusal(['server', '--config', configFile]);
    assert.match(message, new RegExp(`data directory ${dataDir} is in use by process ${first.process.pid}`));
    assert.doesNotMatch(message, /\n\s+at /, 'a clear message, not a stack trace');
    // When the holder dies without a chance to clean up, the next server starts.
    first.process.kill('SIGKILL');
    await waitFor('the first server gone', async () =>
      first.process.exitCode !== null || first.process.signalCode ? true : undefined,
    );
    const next = await startDrover(['server', '--config', configFile], READY);
    children.push(next);
    await waitFor('web synced', async () => {
      const { body } = await getJSON<{ status: { sync: { status: string } } }>(`${next.match[1]}/api/v1/apps/web`);
      return body.status.sync.status === 'Synced' ? true : undefined;
    });
    await next.stop();
  });

  test('given a database corrupted in the middle, the server stays up not ready: /readyz 503 names the file and how to recover', async () => {
    const file = join(dataDir, 'drover.db');
    corruptMiddle(file);
    repo.write('jobs/api.json', serviceJob('api')).commit('api');
    // No admin token can be written into a corrupt database: every route but the probes answers 503 anyway.
    const server = await startDrover(['server', '--config', configFile], READY, {}, { token: false });
    children.push(server);
    const url = server.match[1]!;
    const ready = await getJSON<{ status: string; checks: Array<{ name: string; ok: boolean; reason?: string }> }>(
      `${url}/readyz`,
    );
    assert.equal(ready.status, 503);
    const store = ready.body.checks.find((c) => c.name === 'store')!;
    assert.match(store.reason ?? '', new RegExp(`database ${file} is corrupt or unreadable`));
    assert.match(store.reason ?? '', /move .* aside, and start again/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'alive: a restart would not mend it');
    const apps = await getJSON<{ error: { code: string; message: string } }>(`${url}/api/v1/apps`);
    assert.deepEqual([apps.status, apps.body.error.code], [503, 'DROVER_ERR_STORE']);
    // The log says the same, with no stack trace; and nothing reconciles, so git's new job is not registered.
    await waitFor('the log names the file', async () => (server.output().includes(file) ? true : undefined));
    assert.doesNotMatch(server.output(), /\n\s+at /, 'a clear message, not a stack trace');
    assert.equal((await fetch(`${sim.url}/v1/job/api`)).status, 404);
    await server.stop();
  });
});

describe('fault: the database corrupted while Drover runs', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      { apps: { web: { repository: 'jobs', revision: 'main', path: 'jobs' } }, start: { storeCheckIntervalMs: 100 } },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).commit('a');
      },
    );
    await stack.waitForApp('web', 'Synced', (v) => v.status.sync.status === 'Synced');
  });
  after(() => stack.stop());

  test('then /readyz answers 503 naming the file, and reconciles stop writing to Nomad', async () => {
    const file = join(stack.dir.path, 'data', 'drover.db');
    corruptMiddle(file);
    const ready = await waitFor('readyz 503', async () => {
      const answer = await getJSON<{ checks: Array<{ name: string; ok: boolean; reason?: string }> }>(
        `${stack.drover.url}/readyz`,
      );
      return answer.status === 503 ? answer.body : undefined;
    });
    const store = ready.checks.find((c) => c.name === 'store')!;
    assert.match(store.reason ?? '', new RegExp(`database ${file} is corrupt or unreadable`));
    assert.match(store.reason ?? '', /move .* aside/);
    // When: a new job arrives in git, and a refresh is asked for.
    stack.repo.write('jobs/b.json', serviceJob('b')).commit('b');
    const { status, body } = await stack.refresh('web');
    // Then: the API fails closed (its token lookup reads the same database) or shows the app's StoreError...
    if (status === 503) assert.equal(body.error.code, 'DROVER_ERR_STORE');
    else assert.equal(body.status.conditions[0].type, 'StoreError');
    // ...and a reconcile, however triggered, writes nothing and says why.
    const outcome = await stack.drover.controller!.trigger('web', { trigger: 'refresh' });
    assert.equal(outcome.status.sync.status, 'Unknown');
    assert.equal(outcome.status.conditions[0]!.type, 'StoreError');
    assert.match(outcome.status.conditions[0]!.message, /move .* aside/);
    assert.equal((await stack.nomad('/v1/job/b')).status, 404, 'b was not registered');
  });
});
