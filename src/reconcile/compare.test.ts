import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredJob, LiveJob, NomadJob } from '../domain/job.js';
import { compare, jobMatches } from './compare.js';

const desired = (id: string, extra: Partial<NomadJob> = {}): DesiredJob => ({
  id, namespace: 'default', file: `${id}.json`, job: { ID: id, Meta: { 'drover.app': 'app' }, TaskGroups: [{ Name: 'g', Count: 1 }], ...extra },
});
const live = (id: string, extra: Partial<NomadJob> = {}): LiveJob => ({
  id, namespace: 'default', jobModifyIndex: 7,
  job: { ID: id, Name: id, Namespace: 'default', Priority: 50, Version: 3, ModifyIndex: 9, Status: 'running', Meta: { 'drover.app': 'app' }, TaskGroups: [{ Name: 'g', Count: 1, RestartPolicy: { Attempts: 2 } }], ...extra },
});

test('a live job with server defaults and indexes matches its desired form', () => {
  const result = compare('app', [desired('a')], [live('a')]);
  assert.equal(result.status, 'Synced');
  assert.deepEqual(result.jobs.map((j) => j.status), ['Synced']);
});

test('a changed field, a removed meta key and a stopped job are drift', () => {
  assert.equal(jobMatches(desired('a', { TaskGroups: [{ Name: 'g', Count: 2 }] }).job, live('a').job), false);
  assert.equal(jobMatches(desired('a').job, live('a', { Meta: { 'drover.app': 'app', extra: 'x' } }).job), false);
  assert.equal(jobMatches(desired('a').job, live('a', { Stop: true }).job), false);
});

test('missing, extra and foreign jobs are told apart', () => {
  const result = compare('app', [desired('new'), desired('theirs'), desired('nobodys')], [
    live('old'),
    live('theirs', { Meta: { 'drover.app': 'other' } }),
    live('nobodys', { Meta: null }),
    live('child', { ParentID: 'old' }),
    live('stopped', { Stop: true }),
  ]);
  assert.equal(result.status, 'OutOfSync');
  assert.deepEqual(result.jobs.map((j) => [j.id, j.status]), [['new', 'Missing'], ['nobodys', 'OutOfSync'], ['old', 'Extra'], ['theirs', 'OutOfSync']]);
  assert.deepEqual(result.conditions.map((c) => c.type).sort(), ['SharedJob', 'UnownedJob']);
});
