/* eslint-disable @typescript-eslint/no-explicit-any -- the tests index deep into untyped job JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitJob } from './admit.js';

const job = () => ({
  ID: 'web',
  Meta: {},
  TaskGroups: [
    {
      Name: 'g',
      Networks: [{ DynamicPorts: [{ Label: 'http' }] }],
      Services: [{ Name: '${JOB}-${TASKGROUP}', Checks: [{ Type: 'http' }], Provider: 'nomad' }],
      Tasks: [{ Name: 't', Driver: 'docker', Config: {}, Env: {}, KillSignal: 'SIGINT', Vault: { Policies: ['p'] } }],
    },
  ],
});

test('admission stores the agent region, node pool, datacenters and nulls empty maps', () => {
  const { job: admitted, errors } = admitJob(job(), { region: 'eu' });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    [admitted.Region, admitted.NodePool, admitted.Datacenters, admitted.Meta],
    ['eu', 'default', ['*'], null],
  );
  assert.equal(admitJob({ ...job(), Region: 'us' }, { region: 'eu' }).job.Region, 'us');
  assert.equal(admitJob(job(), { region: 'eu', namespace: 'prod' }).job.Namespace, 'prod');
  assert.deepEqual(admitted.Update, {
    Stagger: 30e9,
    MaxParallel: 1,
    HealthCheck: '',
    MinHealthyTime: 0,
    HealthyDeadline: 0,
    ProgressDeadline: 0,
    Canary: 0,
    AutoRevert: false,
    AutoPromote: false,
  });
  const task = (admitted.TaskGroups![0]!.Tasks as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual([task.Config, task.Env], [null, null]);
});

test('mutators: service names, check names, host networks, the default identity and implied constraints', () => {
  const group = admitJob(job(), { region: 'global' }).job.TaskGroups![0]! as Record<string, any>;
  const service = group.Services[0];
  assert.deepEqual(
    [service.Name, service.Namespace, service.Checks[0].Name],
    ['web-g', 'default', 'service: "web-g" check'],
  );
  assert.equal(group.Networks[0].DynamicPorts[0].HostNetwork, 'default');
  assert.deepEqual(group.Tasks[0].Identity.Audience, ['nomadproject.io']);
  assert.deepEqual(
    group.Constraints.map((c: Record<string, string>) => c.LTarget),
    ['${attr.vault.version}', '${attr.nomad.service_discovery}', '${attr.os.signals}'],
  );
  assert.deepEqual(group.Constraints[2], { LTarget: '${attr.os.signals}', RTarget: 'SIGINT', Operand: 'set_contains' });
});

test("validation errors come back in Nomad's words, nested per group and task", () => {
  const { errors } = admitJob(
    {
      ID: 'x',
      Priority: 200,
      TaskGroups: [{ Name: 'g', Count: -1, Tasks: [{ Name: 'a/b', Resources: { MemoryMB: 5 } }] }],
    },
    { region: 'global' },
  );
  assert.equal(errors[0], 'Job priority must be between [1, 100]');
  assert.match(
    errors[1]!,
    /^Task group g validation failed: 2 errors occurred:\n\t\* Task group count can't be negative/,
  );
  assert.match(
    errors[1]!,
    /Task a\/b validation failed: 3 errors occurred:\n\t\* Task name cannot include slashes\n\t\* Missing task driver\n\t\* minimum MemoryMB value is 10; got 5/,
  );
});
