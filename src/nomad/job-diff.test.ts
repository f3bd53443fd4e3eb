/* eslint-disable @typescript-eslint/no-explicit-any -- the tests index deep into untyped job JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NomadJob } from '../domain/job.js';
import { admitJob } from './admit.js';
import { annotateDiff, jobDiff } from './job-diff.js';

const job = (edit: (j: Record<string, any>) => void = () => undefined): NomadJob => {
  const raw: Record<string, any> = {
    ID: 'web',
    TaskGroups: [
      {
        Name: 'g',
        Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'a', ports: ['http'] }, KillTimeout: 5e9 }],
      },
    ],
  };
  edit(raw);
  return admitJob(raw as NomadJob, { region: 'global' }).job;
};

test('contextual diffs list unchanged fields of a changed object as None; top-level fields only real changes', () => {
  const diff = jobDiff(
    job(),
    job((j) => {
      j.TaskGroups[0].Tasks[0].Config.ports = ['http', 'admin'];
      j.Priority = 70;
    }),
    true,
  );
  assert.equal(diff.Type, 'Edited');
  assert.deepEqual(diff.Fields, [{ Type: 'Edited', Name: 'Priority', Old: '50', New: '70', Annotations: null }]);
  const config = diff.TaskGroups![0]!.Tasks![0]!.Objects!.find((o) => o.Name === 'Config')!;
  assert.deepEqual(
    config.Fields!.map((f) => [f.Type, f.Name, f.Old, f.New]),
    [
      ['None', 'image', 'a', 'a'],
      ['None', 'ports[0]', 'http', 'http'],
      ['Added', 'ports[1]', '', 'admin'],
    ],
  );
  const plain = jobDiff(
    job(),
    job((j) => {
      j.TaskGroups[0].Tasks[0].Config.ports = ['http', 'admin'];
    }),
    false,
  );
  assert.deepEqual(
    plain.TaskGroups![0]!.Tasks![0]!.Objects![0]!.Fields!.map((f) => f.Name),
    ['ports[1]'],
  );
});

test('every group and task is listed, sorted by name; added and deleted groups carry their fields', () => {
  const diff = jobDiff(
    job(),
    job((j) => {
      j.TaskGroups.unshift({ Name: 'a', Tasks: [{ Name: 'x', Driver: 'exec' }] });
    }),
    true,
  );
  annotateDiff(diff);
  assert.deepEqual(
    diff.TaskGroups!.map((g) => [g.Name, g.Type]),
    [
      ['a', 'Added'],
      ['g', 'None'],
    ],
  );
  const added = diff.TaskGroups![0]!;
  assert.deepEqual(
    added.Fields!.find((f) => f.Name === 'Count'),
    { Type: 'Added', Name: 'Count', Old: '', New: '1', Annotations: ['forces create'] },
  );
  assert.deepEqual(added.Tasks![0]!.Annotations, ['forces create']);
  assert.equal(jobDiff(undefined, job(), true).Type, 'Added');
  assert.equal(jobDiff(job(), job(), true).Type, 'None');
});

test('annotations: kill timeout and services update in place; driver config forces create/destroy; spreads are not diffed', () => {
  const inPlace = jobDiff(
    job(),
    job((j) => {
      j.TaskGroups[0].Tasks[0].KillTimeout = 9e9;
    }),
    true,
  );
  annotateDiff(inPlace);
  assert.deepEqual(inPlace.TaskGroups![0]!.Tasks![0]!.Annotations, ['forces in-place update']);
  const destructive = jobDiff(
    job(),
    job((j) => {
      j.TaskGroups[0].Tasks[0].Config.image = 'b';
    }),
    true,
  );
  annotateDiff(destructive);
  assert.deepEqual(destructive.TaskGroups![0]!.Tasks![0]!.Annotations, ['forces create/destroy update']);
  const spread = jobDiff(
    job(),
    job((j) => {
      j.Spreads = [{ Attribute: '${node.datacenter}', Weight: 50 }];
    }),
    true,
  );
  assert.equal(spread.Type, 'None', "Nomad's diff has no case for spreads");
});
