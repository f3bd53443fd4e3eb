import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerMeta, type DesiredJob, type LiveJob, type NomadJob } from '../domain/job.js';
import { admitJob } from '../nomad/admit.js';
import { compare } from './compare.js';

const meta = (id: string, app = 'app') => ownerMeta(app, 'default', id);
const desired = (id: string, extra: Partial<NomadJob> = {}): DesiredJob => ({
  id,
  namespace: 'default',
  file: `${id}.json`,
  job: { ID: id, Meta: meta(id), TaskGroups: [{ Name: 'g', Count: 1 }], ...extra },
});
/** A job as Nomad stores it: admitted (defaults, server keys) and carrying its indexes. */
const live = (id: string, extra: Partial<NomadJob> = {}): LiveJob => ({
  id,
  namespace: 'default',
  jobModifyIndex: 7,
  job: {
    ...admitJob({ ID: id, Meta: meta(id), TaskGroups: [{ Name: 'g', Count: 1 }], ...extra }, { region: 'global' }).job,
    Version: 3,
    ModifyIndex: 9,
    JobModifyIndex: 7,
    Status: 'running',
  },
});

test('a live job with server defaults and indexes is Synced', () => {
  const result = compare({ app: 'app', desired: [desired('a')], live: [live('a')] });
  assert.equal(result.status, 'Synced');
  assert.deepEqual(
    result.jobs.map((j) => [j.status, j.ownership, j.diff]),
    [['Synced', 'owned', []]],
  );
});

test('a changed field is OutOfSync with its diff; ignore_differences hides it', () => {
  const changed = compare({
    app: 'app',
    desired: [desired('a', { TaskGroups: [{ Name: 'g', Count: 2 }] })],
    live: [live('a')],
  });
  assert.equal(changed.status, 'OutOfSync');
  assert.deepEqual(changed.jobs[0]!.diff, [{ path: 'TaskGroups[g].Count', desired: 2, live: 1 }]);
  const ignored = compare({
    app: 'app',
    desired: [desired('a', { TaskGroups: [{ Name: 'g', Count: 2 }] })],
    live: [live('a')],
    ignoreDifferences: [{ job: 'a', paths: ['/TaskGroups/*/Count'] }],
  });
  assert.equal(ignored.status, 'Synced');
});

test('a job written the short way (update block at job level, no datacenters) is Synced against what Nomad stored for it', () => {
  const short: Partial<NomadJob> = {
    Update: { MaxParallel: 1, AutoRevert: true, HealthCheck: 'checks' },
    TaskGroups: [{ Name: 'g', Count: 1, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'x' } }] }],
  };
  const result = compare({ app: 'app', desired: [desired('a', short)], live: [live('a', short)] });
  assert.deepEqual(result.jobs[0]!.diff, []);
  const reverted = compare({
    app: 'app',
    desired: [desired('a', short)],
    live: [live('a', { ...short, Update: { MaxParallel: 1, AutoRevert: false } })],
  });
  assert.deepEqual(
    reverted.jobs[0]!.diff.map((d) => d.path),
    ['TaskGroups[g].Update.AutoRevert'],
    'a real change in the update block still shows, where Nomad keeps it',
  );
});

test('jobs the cache proves unchanged are not diffed', () => {
  const stub = { ...live('a'), job: { ID: 'a', Namespace: 'default', Meta: meta('a'), JobModifyIndex: 7 } as NomadJob };
  assert.equal(
    compare({ app: 'app', desired: [desired('a')], live: [stub], unchanged: new Set(['default/a']) }).status,
    'Synced',
  );
});

test('missing, extra, foreign, copied-marker and adoptable jobs are told apart', () => {
  const input = {
    app: 'app',
    desired: [desired('new'), desired('theirs'), desired('nobodys'), desired('copied')],
    live: [
      live('old'),
      live('theirs', { Meta: meta('theirs', 'other') }),
      live('nobodys', { Meta: null }),
      live('copied', { Meta: meta('old') }),
      live('forged', { Meta: meta('old') }),
      live('child', { ParentID: 'old', Meta: meta('child') }),
      live('stopped', { Stop: true, Meta: meta('stopped') }),
    ],
  };
  const result = compare(input);
  assert.equal(result.status, 'OutOfSync');
  assert.deepEqual(
    result.jobs.map((j) => [j.id, j.status, j.ownership]),
    [
      ['copied', 'OutOfSync', 'foreign'],
      ['new', 'Missing', 'absent'],
      ['nobodys', 'OutOfSync', 'foreign'],
      ['old', 'Extra', 'owned'],
      ['theirs', 'OutOfSync', 'foreign'],
    ],
    'a forged marker, a child and a stopped job are never Extra',
  );
  assert.deepEqual(result.conditions.map((c) => c.type).sort(), ['SharedJob', 'UnownedJob', 'UnownedJob']);
  assert.match(result.conditions.find((c) => c.message.includes('copied from'))!.message, /"default\/old"/);

  const adopting = compare({ ...input, adopt: true });
  assert.equal(adopting.jobs.find((j) => j.id === 'nobodys')!.ownership, 'adoptable');
  assert.equal(adopting.jobs.find((j) => j.id === 'copied')!.ownership, 'foreign', 'a copied marker is never adopted');
});
