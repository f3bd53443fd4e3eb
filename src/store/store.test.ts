import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './db.js';
import { getAppStatus, saveAppStatus } from './app-status.js';
import { insertSyncRun, listSyncRuns } from './sync-runs.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'drover-db-')), 'drover.db');

test('status and history survive reopening the file', () => {
  const path = file();
  let db = openDatabase(path);
  saveAppStatus(db, 'web', { sync: { status: 'Synced', revision: 'abc' }, jobs: [], conditions: [] });
  insertSyncRun(db, { app: 'web', trigger: 'poll', revision: 'a', startedAt: 't0', finishedAt: 't1', result: 'Succeeded', jobs: [] });
  insertSyncRun(db, { app: 'web', trigger: 'sync', revision: 'b', author: 'Ann', startedAt: 't2', finishedAt: 't3', result: 'Failed', message: 'boom', jobs: [{ id: 'j', namespace: 'default', action: 'update', result: 'failed' }] });
  db.close();

  db = openDatabase(path);
  assert.equal(getAppStatus(db, 'web')?.sync.revision, 'abc');
  assert.equal(getAppStatus(db, 'other'), undefined);
  const runs = listSyncRuns(db, 'web');
  assert.deepEqual(runs.map((r) => r.revision), ['b', 'a'], 'newest first');
  assert.equal(runs[0]!.author, 'Ann');
  assert.equal(runs[0]!.jobs[0]!.result, 'failed');
  db.close();
});
