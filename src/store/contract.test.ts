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

  test('statuses saved since a moment are listed oldest first, so another instance can follow them', async () => {
    const store = await open();
    await store.saveAppStatus('web', status('a', 't1'), new Date('2026-01-01T00:00:01Z'));
    await store.saveAppStatus('api', status('a', 't1'), new Date('2026-01-01T00:00:02Z'));
    const all = await store.listAppStatusesSince();
    assert.deepEqual(
      all.map((s) => [s.app, s.updatedAt]),
      [
        ['web', '2026-01-01T00:00:01.000Z'],
        ['api', '2026-01-01T00:00:02.000Z'],
      ],
    );
    assert.deepEqual(await store.listAppStatusesSince(all[1]!.updatedAt), []);
    await store.saveAppStatus('web', status('b', 't2'), new Date('2026-01-01T00:00:03Z'));
    const other = await open(true);
    const later = await other.listAppStatusesSince(all[1]!.updatedAt);
    assert.deepEqual(
      later.map((s) => [s.app, s.status.sync.revision]),
      [['web', 'b']],
    );
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

  test('actions appended to a running run are kept, and the requester is recorded', async () => {
    const store = await open();
    const id = await store.startSyncRun({
      app: 'web',
      trigger: 'sync',
      requestedBy: 'token a1 (ci)',
      revision: 'r',
      startedAt: 't',
    });
    await store.appendRunAction(id, {
      id: 'a',
      namespace: 'default',
      action: 'create',
      result: 'ok',
      jobModifyIndex: 3,
    });
    await store.appendRunAction(id, {
      id: 'b',
      namespace: 'default',
      action: 'prune',
      result: 'failed',
      message: 'no',
    });
    const run = await (await open(true)).getSyncRun('web', id);
    assert.equal(run?.requestedBy, 'token a1 (ci)');
    assert.deepEqual(
      run?.jobs.map((j) => [j.id, j.action, j.result, j.jobModifyIndex]),
      [
        ['a', 'create', 'ok', 3],
        ['b', 'prune', 'failed', undefined],
      ],
    );
    await store.finishSyncRun(id, { result: 'Succeeded', finishedAt: 'f', durationMs: 1, jobs: [] });
    await store.appendRunAction(id, { id: 'c', namespace: 'default', action: 'create', result: 'ok' });
    assert.deepEqual((await store.getSyncRun('web', id))?.jobs, [], 'a finished run takes no more actions');
  });

  test('tokens: stored by hash, listed newest first, revoked once, revocation ends their sessions', async () => {
    const store = await open();
    const token = (id: string, createdAt: string) => ({
      id,
      name: `n-${id}`,
      role: 'operator',
      apps: ['web-*'],
      secretHash: `h-${id}`,
      createdAt,
    });
    await store.insertToken(token('a', '2026-01-01T00:00:00.000Z'));
    await store.insertToken({ ...token('b', '2026-01-02T00:00:00.000Z'), createdBy: 'ci', expiresAt: '2027-01-01' });
    const other = await open(true);
    assert.deepEqual(
      (await other.listTokens()).map((t) => t.id),
      ['b', 'a'],
    );
    assert.deepEqual(await other.getToken('a'), {
      ...token('a', '2026-01-01T00:00:00.000Z'),
      ...{ createdBy: undefined, expiresAt: undefined, revokedAt: undefined, lastUsedAt: undefined },
    });
    assert.equal((await other.getToken('b'))?.createdBy, 'ci');
    assert.equal(await other.getToken('none'), undefined);
    await store.touchToken('a', 'used');
    assert.equal((await other.getToken('a'))?.lastUsedAt, 'used');

    const session = { idHash: 's1', csrfToken: 'c', principal: { kind: 'token', id: 'a' }, tokenId: 'a' };
    await store.insertSession({ ...session, createdAt: '2026-01-01', expiresAt: '2026-01-03' });
    await store.insertSession({
      idHash: 's2',
      csrfToken: 'd',
      principal: { kind: 'oidc' },
      createdAt: '2026-01-01',
      expiresAt: '2026-01-03',
    });
    assert.deepEqual(await other.getSession('s1', '2026-01-02'), {
      ...session,
      createdAt: '2026-01-01',
      expiresAt: '2026-01-03',
    });
    assert.equal(await other.getSession('s1', '2026-01-03'), undefined, 'expired');
    assert.equal(await other.revokeToken('a', 'revoked-at'), true);
    assert.equal(await other.revokeToken('a', 'again'), false, 'revoked once');
    assert.equal(await other.revokeToken('none', 'x'), false);
    assert.equal((await store.getToken('a'))?.revokedAt, 'revoked-at');
    assert.equal(await store.getSession('s1', '2026-01-02'), undefined, "the token's session ended");
    assert.equal((await store.getSession('s2', '2026-01-02'))?.csrfToken, 'd');
    assert.equal(await store.deleteSession('s2'), true);
    assert.equal(await store.deleteSession('s2'), false);
    await store.insertSession({
      idHash: 's4',
      csrfToken: 'f',
      principal: {},
      createdAt: '2026-01-01',
      expiresAt: '2026-01-15',
    });
    await store.insertSession({
      idHash: 's3',
      csrfToken: 'e',
      principal: {},
      createdAt: '2026-02-01',
      expiresAt: '2026-02-02',
    });
    assert.equal(await store.getSession('s4', '2026-01-10'), undefined, 'expired sessions are dropped on insert');
  });

  test('audit: one sequence across handles, newest first, filtered and paged', async () => {
    const a = await open();
    const b = await open(true);
    const entry = (n: number, app?: string) => ({
      at: `t${n}`,
      actor: { kind: 'token', id: n % 2 ? 'x' : 'y', name: 'ci' },
      action: 'app.sync',
      ...(app ? { app } : {}),
      address: '127.0.0.1',
      outcome: 'success' as const,
      status: 202,
    });
    const ids = [
      await a.recordAudit(entry(1, 'web')),
      await b.recordAudit(entry(2)),
      await a.recordAudit(entry(3, 'web')),
    ];
    assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!);
    const all = await b.listAudit();
    assert.deepEqual(
      all.map((e) => e.at),
      ['t3', 't2', 't1'],
    );
    assert.deepEqual(all[2], {
      id: ids[0],
      ...entry(1, 'web'),
      actor: { ...entry(1).actor, email: undefined },
      target: undefined,
      message: undefined,
    });
    assert.deepEqual(
      (await a.listAudit({ app: 'web' })).map((e) => e.at),
      ['t3', 't1'],
    );
    assert.deepEqual(
      (await a.listAudit({ actor: 'y' })).map((e) => e.at),
      ['t2'],
    );
    assert.deepEqual(
      (await a.listAudit({ before: ids[2], limit: 1 })).map((e) => e.at),
      ['t2'],
    );
  });

  test('the readiness probe writes and reads back', async () => {
    const store = await open();
    await store.probe('2026-01-01T00:00:00.000Z');
    await (await open(true)).probe('2026-01-01T00:00:01.000Z');
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
  test(
    'three instances starting at once on a fresh database migrate it once (an advisory lock)',
    { skip },
    async () => {
      const fresh = await pgServer!.newDatabase();
      const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(fresh)));
      try {
        const id = await stores[0]!.startSyncRun({ app: 'web', trigger: 'poll', revision: 'r', startedAt: 't' });
        assert.equal((await stores[2]!.getSyncRun('web', id))?.revision, 'r');
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    },
  );
});
