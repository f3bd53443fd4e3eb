import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobHealth, type AllocationInfo, type DeploymentInfo } from './health.js';

const service = {
  ID: 'web',
  Type: 'service',
  CreateIndex: 10,
  Version: 2,
  Stop: false,
  TaskGroups: [{ Name: 'web', Count: 2 }],
};
const deployment = (status: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo => ({
  ID: 'd1',
  JobVersion: 2,
  JobCreateIndex: 10,
  Status: status,
  TaskGroups: { web: { DesiredTotal: 2, HealthyAllocs: 1, UnhealthyAllocs: 1 } },
  ...extra,
});
const alloc = (ClientStatus: string, DesiredStatus = 'run'): AllocationInfo => ({
  ID: Math.random().toString(16),
  TaskGroup: 'web',
  JobVersion: 2,
  DesiredStatus,
  ClientStatus,
});

test('missing and stopped jobs', () => {
  assert.equal(jobHealth({ job: undefined }).status, 'Missing');
  assert.equal(jobHealth({ job: { ...service, Stop: true } }).status, 'Suspended');
});

test('service jobs follow their deployment', () => {
  assert.deepEqual(jobHealth({ job: service, deployment: deployment('running') }), {
    status: 'Progressing',
    message: 'deployment of version 2 running: 1/2 allocs healthy',
  });
  assert.equal(jobHealth({ job: service, deployment: deployment('paused') }).status, 'Suspended');
  assert.deepEqual(jobHealth({ job: service, deployment: deployment('failed') }), {
    status: 'Degraded',
    message: 'deployment of version 2 failed: 1 alloc(s) unhealthy',
  });
  assert.match(
    jobHealth({ job: { ...service, Version: 3 }, deployment: deployment('failed') }).message!,
    /rolled back to version 3/,
  );
  assert.match(
    jobHealth({
      job: service,
      deployment: deployment('running', {
        TaskGroups: { web: { DesiredTotal: 2, DesiredCanaries: 1, Promoted: false } },
      }),
    }).message!,
    /canary promotion/,
  );
  const healthy = jobHealth({
    job: service,
    deployment: deployment('successful'),
    allocations: [alloc('running'), alloc('running'), alloc('complete', 'stop')],
  });
  assert.deepEqual(healthy, { status: 'Healthy', message: '2/2 allocations running' });
});

test('a deployment from an earlier life of the job is ignored', () => {
  const old = deployment('failed', { JobCreateIndex: 3 });
  assert.equal(
    jobHealth({ job: service, deployment: old, allocations: [alloc('running'), alloc('running')] }).status,
    'Healthy',
  );
});

test('system jobs and jobs without deployments follow their allocations', () => {
  const system = { ...service, Type: 'system' };
  assert.equal(jobHealth({ job: system, allocations: [alloc('running'), alloc('pending')] }).status, 'Progressing');
  assert.equal(jobHealth({ job: system, allocations: [alloc('running'), alloc('failed')] }).status, 'Degraded');
  assert.equal(jobHealth({ job: system, allocations: [alloc('running'), alloc('running')] }).status, 'Healthy');
  assert.equal(jobHealth({ job: service, allocations: [] }).status, 'Progressing');
});

test('batch jobs follow their summary', () => {
  const batch = { ...service, Type: 'batch' };
  assert.equal(jobHealth({ job: batch, summary: { Summary: { web: { Running: 1 } } } }).status, 'Progressing');
  assert.equal(jobHealth({ job: batch, summary: { Summary: { web: { Complete: 2 } } } }).status, 'Healthy');
  assert.equal(jobHealth({ job: batch, summary: { Summary: { web: { Complete: 1, Failed: 1 } } } }).status, 'Degraded');
});

test('periodic and parameterized parents are healthy while registered', () => {
  const health = jobHealth({
    job: { ...service, Type: 'batch', Periodic: { Enabled: true } },
    summary: { Children: { Running: 1, Dead: 4 } },
  });
  assert.deepEqual(health, {
    status: 'Healthy',
    message: 'periodic job is registered: 1 running, 0 pending, 4 finished children',
  });
});
