import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './db.js';
import { getAppStatus, saveAppStatus } from './app-status.js';
import {
  appendRunAction,
  finishSyncRun,
  getSyncRun,
  listSyncRuns,
  markInterruptedRuns,
  startSyncRun,
  trimSyncRuns,
} from './sync-runs.js';
import { forgetAppliedJobs, listAppliedJobs, recordAppliedJob } from './applied-jobs.js';
import { clearPin, getPin, setPin } from './pins.js';
import type { AppStatus } from '../domain/app.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { StoreMonitor, isStoreFailure } from './health.js';
import { lockDataDir } from './lock.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'drover-db-')), 'drover.db');
const status = (revision: string, observedAt = 't'): AppStatus => ({
  sync: { status: 'Synced', revision },
  health: { status: 'Healthy' },
  jobs: [],
  conditions: [],
  observedAt,
});

test('status is saved only when more than observedAt changed, and survives reopening', () => {
  const path = file();
  let db = openDatabase(path);
  assert.equal(saveAppStatus(db, 'web', status('a', 't1')), true);
  assert.equal(saveAppStatus(db, 'web', status('a', 't2')), false, 'a no-change refresh writes nothing');
  assert.equal(saveAppStatus(db, 'web', status('b', 't3')), true);
  db.close();
  db = openDatabase(path);
  assert.equal(getAppStatus(db, 'web')?.sync.revision, 'b');
  assert.equal(getAppStatus(db, 'other'), undefined);
  db.close();
});

test('sync runs go Running -> result, are trimmed to the limit, and interrupted runs are marked', () => {
  const db = openDatabase(file());
  const ids = [1, 2, 3].map((n) =>
    startSyncRun(db, {
      app: 'web',
      trigger: 'poll',
      revision: `r${n}`,
      startedAt: `t${n}`,
      author: 'Ann',
      committer: 'Bob',
    }),
  );
  finishSyncRun(db, ids[0]!, {
    result: 'Succeeded',
    finishedAt: 'f1',
    durationMs: 12,
    jobs: [{ id: 'j', namespace: 'default', action: 'create', result: 'ok', evalId: 'e1' }],
  });
  finishSyncRun(db, ids[1]!, { result: 'Failed', finishedAt: 'f2', durationMs: 5, message: 'boom', jobs: [] });
  assert.equal(getSyncRun(db, 'web', ids[2]!)?.result, 'Running');
  assert.equal(getSyncRun(db, 'web', ids[2]!)?.finishedAt, undefined);
  assert.equal(markInterruptedRuns(db, 'later'), 1);
  assert.equal(getSyncRun(db, 'web', ids[2]!)?.result, 'Interrupted');
  const runs = listSyncRuns(db, 'web');
  assert.deepEqual(
    runs.map((r) => r.revision),
    ['r3', 'r2', 'r1'],
    'newest first',
  );
  assert.deepEqual(
    [runs[2]!.author, runs[2]!.committer, runs[2]!.durationMs, runs[2]!.jobs[0]!.evalId],
    ['Ann', 'Bob', 12, 'e1'],
  );
  trimSyncRuns(db, 'web', 2);
  assert.deepEqual(
    listSyncRuns(db, 'web').map((r) => r.revision),
    ['r3', 'r2'],
  );
  assert.equal(getSyncRun(db, 'other', ids[2]!), undefined, 'runs are scoped to their app');
});

test('applied jobs and pins', () => {
  const db = openDatabase(file());
  recordAppliedJob(db, {
    app: 'web',
    namespace: 'default',
    jobId: 'a',
    revision: 'r1',
    contentHash: 'h1',
    jobModifyIndex: 4,
  });
  recordAppliedJob(db, {
    app: 'web',
    namespace: 'default',
    jobId: 'a',
    revision: 'r2',
    contentHash: 'h2',
    jobModifyIndex: 5,
  });
  recordAppliedJob(db, {
    app: 'web',
    namespace: 'default',
    jobId: 'b',
    revision: 'r2',
    contentHash: 'h3',
    jobModifyIndex: 6,
  });
  assert.deepEqual(
    listAppliedJobs(db, 'web').map((j) => [j.jobId, j.revision, j.jobModifyIndex]),
    [
      ['a', 'r2', 5],
      ['b', 'r2', 6],
    ],
  );
  forgetAppliedJobs(db, 'web', [{ namespace: 'default', jobId: 'b' }]);
  assert.deepEqual(
    listAppliedJobs(db, 'web').map((j) => j.jobId),
    ['b'],
  );

  assert.equal(getPin(db, 'web'), undefined);
  setPin(db, 'web', { revision: 'abc', reason: 'rollback', at: 't' });
  assert.deepEqual(getPin(db, 'web'), { revision: 'abc', reason: 'rollback', at: 't' });
  assert.equal(clearPin(db, 'web'), true);
  assert.equal(clearPin(db, 'web'), false);
});

test('actions appended to a running run are kept when it is marked interrupted, and replaced when it finishes', () => {
  const db = openDatabase(file());
  const run = startSyncRun(db, { app: 'web', trigger: 'poll', revision: 'abc', startedAt: 't0' });
  appendRunAction(db, run, { id: 'a', namespace: 'default', action: 'create', result: 'ok', jobModifyIndex: 7 });
  appendRunAction(db, run, { id: 'b', namespace: 'default', action: 'update', result: 'failed', message: 'x' });
  markInterruptedRuns(db, 't1');
  const interrupted = getSyncRun(db, 'web', run)!;
  assert.equal(interrupted.result, 'Interrupted');
  assert.deepEqual(
    interrupted.jobs.map((j) => [j.id, j.action, j.result]),
    [
      ['a', 'create', 'ok'],
      ['b', 'update', 'failed'],
    ],
  );
  // Nothing is appended to a run that has ended.
  appendRunAction(db, run, { id: 'c', namespace: 'default', action: 'create', result: 'ok' });
  assert.equal(getSyncRun(db, 'web', run)!.jobs.length, 2);
  db.close();
});

test('the data dir lock: a second holder is refused naming the dir and PID, and release frees it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-lock-'));
  const lock = lockDataDir(dir);
  assert.throws(() => lockDataDir(dir), new RegExp(`data directory ${dir} is in use by process ${process.pid}`));
  lock.release();
  lockDataDir(dir).release();
});

test('a corrupt database is refused at open naming the file, and a monitor notices corruption while running', () => {
  const path = file();
  const db = openDatabase(path);
  saveAppStatus(db, 'web', status('abc'));
  const monitor = new StoreMonitor(path);
  assert.deepEqual(monitor.check(), { ok: true });
  assert.equal(monitor.noteError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })), false);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(8192, 0x5a), 0, undefined, 4096);
  closeSync(fd);
  const health = monitor.check();
  assert.equal(health.ok, false);
  assert.match(health.ok ? '' : health.recovery, /move .*drover\.db .* aside/);
  db.close();
  assert.throws(
    () => openDatabase(path),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DROVER_ERR_STORE');
      assert.match(error.message, new RegExp(`database ${path} is corrupt or unreadable`));
      return true;
    },
  );
  assert.ok(isStoreFailure(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_READ' })));
});
