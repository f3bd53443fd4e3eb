import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerMeta, type NomadJob } from '../domain/job.js';
import type { JobListStub } from '../nomad/jobs.js';
import { NamespaceView, stubFromJob, viewOf } from './inventory-view.js';

const stub = (id: string, modifyIndex: number, summaryIndex = 1): JobListStub =>
  ({
    ID: id,
    ParentID: '',
    Name: id,
    Namespace: 'default',
    Datacenters: ['dc1'],
    Type: 'service',
    Status: 'running',
    Stop: false,
    Periodic: false,
    ParameterizedJob: false,
    JobSummary: {
      JobID: id,
      Namespace: 'default',
      Summary: {},
      Children: null,
      CreateIndex: 1,
      ModifyIndex: summaryIndex,
    },
    CreateIndex: 1,
    ModifyIndex: modifyIndex,
    JobModifyIndex: modifyIndex,
    SubmitTime: 1,
    Meta: { 'drover.app': 'web' },
  }) as unknown as JobListStub;

test('the view lists entries sorted by ID, trimmed, and updates a changed entry in place', () => {
  const view = new NamespaceView([stub('b', 5), stub('a', 3)]);
  const first = view.list();
  assert.deepEqual(
    first.map((s) => s.ID),
    ['a', 'b'],
  );
  assert.equal(first[0]!.Datacenters, undefined, 'fields the inventory does not read are dropped');
  assert.equal(view.upsert(stub('a', 3)), false, 'the same indexes are no change');
  assert.equal(view.upsert(stub('a', 3, 9)), true, 'a summary that moved is a change');
  assert.equal(view.list(), first, 'an update keeps the sorted list, changed in place');
  assert.equal(first[0]!.JobSummary?.ModifyIndex, 9);
  view.upsert(stub('0', 1));
  assert.deepEqual(
    view.list().map((s) => s.ID),
    ['0', 'a', 'b'],
    'a new job re-sorts',
  );
  assert.equal(view.remove('default', 'b')?.ID, 'b');
  const { changed, gone } = view.replace([stub('a', 3, 9), stub('c', 1)]);
  assert.deepEqual(
    changed.map((s) => s.ID),
    ['c'],
    'a full answer reports what is new or moved',
  );
  assert.deepEqual(
    gone.map((s) => s.ID),
    ['0'],
    'and what is no longer listed',
  );
});

test('a job from an event payload becomes the list entry Nomad would show', () => {
  const job = {
    ID: 'web',
    Namespace: 'prod',
    Type: 'batch',
    Status: 'pending',
    Stop: true,
    Periodic: { Enabled: true, Spec: '* * * * *' },
    ParameterizedJob: null,
    CreateIndex: 4,
    ModifyIndex: 8,
    JobModifyIndex: 7,
    Meta: { 'drover.app': 'web' },
    TaskGroups: [{ Name: 'g' }],
  } as unknown as NomadJob;
  const entry = stubFromJob(job, null);
  assert.equal(entry.Namespace, 'prod');
  assert.equal(entry.Stop, true);
  assert.equal(entry.Periodic, true);
  assert.equal(entry.ParameterizedJob, false);
  assert.equal(entry.ModifyIndex, 8);
  assert.equal(entry.JobModifyIndex, 7);
  assert.equal((entry as unknown as { TaskGroups?: unknown }).TaskGroups, undefined);
});

test('the owner index follows upserts, owner changes and removals; a list speaks for the view only while current', () => {
  const owned = (id: string, modifyIndex: number, app: string) => ({
    ...stub(id, modifyIndex),
    Meta: ownerMeta(app, 'default', id),
  });
  const view = new NamespaceView([owned('a', 1, 'web'), owned('b', 1, 'web'), owned('c', 1, 'api')]);
  const ids = (app: string) => [...view.ownedBy(app)].map((s) => s.ID).sort();
  assert.deepEqual(ids('web'), ['a', 'b']);
  const list = view.list();
  assert.equal(viewOf(list), view);
  // An entry changing in place keeps the list current; its owner moves with it.
  view.upsert(owned('b', 2, 'api'));
  assert.equal(viewOf(list), view);
  assert.deepEqual(ids('web'), ['a']);
  assert.deepEqual(ids('api'), ['b', 'c']);
  view.remove('default', 'c');
  assert.deepEqual(ids('api'), ['b']);
  assert.equal(viewOf(list), undefined, 'a removal rebuilds the list: the old array is a snapshot');
  assert.equal(viewOf(view.list()), view);
  view.replace([owned('d', 1, 'web')]);
  assert.deepEqual(ids('web'), ['d']);
  assert.deepEqual(ids('api'), []);
});
