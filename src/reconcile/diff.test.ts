import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffJobs, ignorePathsFor, parseIgnorePath } from './diff.js';

const live = {
  ID: 'web',
  Name: 'web',
  Region: 'eu-west',
  Namespace: 'default',
  Priority: 50,
  Version: 4,
  ModifyIndex: 99,
  Status: 'running',
  Stop: false,
  Meta: { team: 'a', 'drover.app': 'x' },
  TaskGroups: [
    {
      Name: 'api',
      Count: 3,
      RestartPolicy: { Attempts: 2, Mode: 'fail' },
      Constraints: [{ LTarget: '${attr.kernel.name}', RTarget: 'linux', Operand: '=' }],
      Tasks: [{ Name: 'srv', Driver: 'docker', Config: { image: 'nginx:1', ports: ['http'] }, Env: null }],
    },
  ],
};

test('server-owned fields, server defaults and the agent region are not drift', () => {
  const desired = {
    ID: 'web',
    Region: 'global',
    Priority: null,
    Meta: { team: 'a', 'drover.app': 'x' },
    TaskGroups: [
      {
        Name: 'api',
        Count: 3,
        RestartPolicy: null,
        Constraints: [{ LTarget: '${attr.kernel.name}', RTarget: 'linux', Operand: '=' }],
        Tasks: [{ Name: 'srv', Driver: 'docker', Config: { image: 'nginx:1', ports: ['http'] }, Env: {} }],
      },
    ],
  };
  assert.deepEqual(diffJobs(desired, live), []);
});

test('changed values, removed user entries and stops are reported with readable paths', () => {
  const desired = {
    ID: 'web',
    Meta: { team: 'b', 'drover.app': 'x' },
    TaskGroups: [
      {
        Name: 'api',
        Count: 2,
        Constraints: null,
        Tasks: [{ Name: 'srv', Driver: 'docker', Config: { image: 'nginx:2' } }],
      },
    ],
  };
  assert.deepEqual(diffJobs(desired, { ...live, Stop: true }), [
    { path: 'Meta[team]', desired: 'b', live: 'a' },
    { path: 'TaskGroups[api].Count', desired: 2, live: 3 },
    { path: 'TaskGroups[api].Constraints', live: live.TaskGroups[0]!.Constraints },
    { path: 'TaskGroups[api].Tasks[srv].Config[image]', desired: 'nginx:2', live: 'nginx:1' },
    { path: 'TaskGroups[api].Tasks[srv].Config[ports]', live: ['http'] },
    { path: 'Stop', desired: false, live: true },
  ]);
});

test('ignore_differences paths in pointer, dotted and bracket form, by index or by name', () => {
  assert.deepEqual(parseIgnorePath('/TaskGroups/*/Count'), ['TaskGroups', '*', 'Count']);
  assert.deepEqual(parseIgnorePath('TaskGroups[api].Count'), ['TaskGroups', 'api', 'Count']);
  const desired = { ID: 'web', TaskGroups: [{ Name: 'api', Count: 1 }] };
  assert.equal(diffJobs(desired, live).length, 1);
  for (const path of ['/TaskGroups/*/Count', 'TaskGroups.0.Count', 'TaskGroups[api].Count']) {
    assert.deepEqual(diffJobs(desired, live, [path]), [], path);
  }
  assert.equal(diffJobs(desired, live, ['TaskGroups[other].Count']).length, 1);
});

test('ignore rules apply to the jobs their glob matches', () => {
  const rules = [
    { paths: ['/Meta'] },
    { job: 'web-*', paths: ['/TaskGroups/*/Count'] },
    { job: 'db', paths: ['/Priority'] },
  ];
  assert.deepEqual(ignorePathsFor(rules, 'web-eu'), ['/Meta', '/TaskGroups/*/Count']);
  assert.deepEqual(ignorePathsFor(rules, 'db'), ['/Meta', '/Priority']);
});
