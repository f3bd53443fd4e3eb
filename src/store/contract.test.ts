import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppStatus } from '../domain/app.js';
import { startTestPostgres, type TestPostgres } from '../../test/helpers/postgres.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore } from './sqlite/adapter.js';
import type { Store } from './store.js';

const status = (revision: string, observedAt = 't'): AppStatus => ({
  sync: { status: 'Synced', revision },
  health: { status: 'Healthy' },
  jobs: [],
  conditions: [],
  observedAt,
});

/** Two handles on one store, as two instances (or a restart) see it. */
type Opener = { open(): Promise<Store>; reopen(): Promise<Store> };

/** The one contract both stores pass. */
function storeContract(opener: () => Opener): void {
  const stores: Store[] = [];
  const open = async (again = false) => {
    const store = again ? await opener().reopen() : await opener().open();
    stores.push(store);
    return store;
  };
  after(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  });

  test('status is saved only when more than observedAt changed, and another handle reads it', async () => {
    const store = await open();
    assert.equal(await store.saveAppStatus('web', status('a', 't1')), true);
    assert.equal(await store.saveAppStatus('web', status('a', 't2')), false, 'a no-change refresh writes nothing');
    assert.equal(await store.saveAppStatus('web', status('b', 't3')), true);
    const other = await open(true);
    assert.equal((await other.getAppStatus('web'))?.sync.revision, 'b');
    assert.deepEqual(await other.getAppStatus('web'), status('b', 't3'));
    assert.equal(await other.getAppStatus('other'), undefined);
  });

  test('sync runs: Running -> result, trimmed, interrupted runs marked, scoped to their app, newest first', async () => {
    const store = await open();
    const ids: number[] = [];
    for (const n of [1, 2, 3])
      ids.push(
        await store.startSyncRun({
          app: 'web',
          trigger: 'poll',
          revision: `r${n}`,
          startedAt: `t${n}`,
          author: 'Ann',
          committer: 'Bob',
        }),
      );
    await store.finishSyncRun(ids[0]!, {
      result: 'Succeeded',
      finishedAt: 'f1',
      durationMs: 12,
      jobs: [{ id: 'j', namespace: 'default', action: 'create', result: 'ok', evalId: 'e1', jobModifyIndex: 7 }],
    });
    await store.finishSyncRun(ids[1]!, {
      result: 'Failed',
      finishedAt: 'f2',
      durationMs: 5,
      message: 'boom',
      jobs: [],
    });
    assert.equal((await store.getSyncRun('web', ids[2]!))?.result, 'Running');
    assert.equal((await store.getSyncRun('web', ids[2]!))?.finishedAt, undefined);
    assert.equal(await store.markInterruptedRuns('later'), 1);
    assert.equal((await store.getSyncRun('web', ids[2]!))?.result, 'Interrupted');
    const runs = await store.listSyncRuns('web');
    assert.deepEqual(
      runs.map((r) => r.revision),
      ['r3', 'r2', 'r1'],
    );
    assert.deepEqual(
      [runs[2]!.author, runs[2]!.committer, runs[2]!.durationMs, runs[2]!.jobs[0]!.evalId, runs[2]!.finishedAt],
      ['Ann', 'Bob', 12, 'e1', 'f1'],
    );
    assert.equal(runs[1]!.message, 'boom');
    const link = { namespace: 'default', id: 'j', deploymentId: 'd1', jobSpecModifyIndex: 7 };
    assert.equal(await store.attachDeployments(ids[0]!, [link]), 1);
    assert.equal(await store.attachDeployments(ids[0]!, [link]), 0, 'filled once');
    assert.equal((await store.getSyncRun('web', ids[0]!))?.jobs[0]!.deploymentId, 'd1');
    await store.trimSyncRuns('web', 2);
    assert.deepEqual(
      (await store.listSyncRuns('web')).map((r) => r.revision),
      ['r3', 'r2'],
    );
    assert.equal(await store.getSyncRun('other', ids[2]!), undefined, 'runs are scoped to their app');
  });

  test('run ids are unique and history is one sequence across handles (instances) on one store', async () => {
    const a = await open();
    const b = await open(true);
    const run = (store: Store, n: number) =>
      store.startSyncRun({ app: 'shared', trigger: 'poll', revision: `s${n}`, startedAt: `t${n}` });
    const ids = await Promise.all([run(a, 1), run(b, 2), run(a, 3), run(b, 4)]);
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual(
      (await b.listSyncRuns('shared')).map((r) => r.id),
      [...ids].sort((x, y) => y - x),
    );
  });

  test('applied jobs and pins', async () => {
    const store = await open();
    const job = { app: 'web', namespace: 'default', revision: 'r1', contentHash: 'h1' };
    await store.recordAppliedJob({ ...job, jobId: 'a', jobModifyIndex: 4 });
    await store.recordAppliedJob({ ...job, jobId: 'a', revision: 'r2', contentHash: 'h2', jobModifyIndex: 5 });
    await store.recordAppliedJob({ ...job, jobId: 'b', revision: 'r2', contentHash: 'h3', jobModifyIndex: 2 ** 40 });
    assert.deepEqual(
      (await store.listAppliedJobs('web')).map((j) => [j.jobId, j.revision, j.jobModifyIndex]),
      [
        ['a', 'r2', 5],
        ['b', 'r2', 2 ** 40],
      ],
    );
    await store.forgetAppliedJobs('web', [{ namespace: 'default', jobId: 'b' }]);
    assert.deepEqual(
      (await store.listAppliedJobs('web')).map((j) => j.jobId),
      ['b'],
    );
    await store.forgetAppliedJobs('web', []);
    assert.deepEqual(await store.listAppliedJobs('web'), []);

    assert.equal(await store.getPin('web'), undefined);
    await store.setPin('web', { revision: 'abc', reason: 'rollback', at: 't' });
    await store.setPin('web', { revision: 'def', reason: 'rollback', at: 't2' });
    assert.deepEqual(await store.getPin('web'), { revision: 'def', reason: 'rollback', at: 't2' });
    assert.equal(await store.clearPin('web'), true);
    assert.equal(await store.clearPin('web'), false);
  });
}

describe('store contract: SQLite', () => {
  let file = '';
  storeContract(() => ({
    open: async () => {
      file = join(mkdtempSync(join(tmpdir(), 'drover-store-')), 'drover.db');
      return SqliteStore.open(file);
    },
    reopen: async () => SqliteStore.open(file),
  }));
});

describe('store contract: PostgreSQL', async () => {
  const server = await startTestPostgres();
  const skip = 'skip' in server ? server.skip : false;
  let url = '';
  let pgServer: TestPostgres | undefined;
  before(() => {
    if (!('skip' in server)) pgServer = server;
  });
  after(() => pgServer?.stop());
  describe('on a fresh database per case', { skip }, () => {
    storeContract(() => ({
      open: async () => {
        url = await pgServer!.newDatabase();
        return PostgresStore.open(url);
      },
      reopen: async () => PostgresStore.open(url),
    }));
  });
});
