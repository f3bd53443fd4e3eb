import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../sim/server.js';
import { NomadProxy } from '../../test/helpers/nomad-proxy.js';
import type { NomadJob } from '../domain/job.js';
import { NomadClient, type JobListStub } from '../nomad/index.js';
import type { ComparisonResult } from './compare.js';
import { HealthTracker } from './health-step.js';

let sim: RunningSim;
let proxy: NomadProxy;
let nomad: NomadClient;
before(async () => {
  // Allocations that take a minute to start: the deployment stays running while the test looks.
  sim = await startSim({ port: 0, allocDelayMs: 60_000 });
  proxy = await NomadProxy.start(sim.url);
  nomad = new NomadClient({ address: proxy.url });
});
after(async () => {
  await proxy.close();
  await sim.close();
});

async function register(id: string, count: number): Promise<void> {
  const group = { Name: 'g', Count: count, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] };
  const job = { ID: id, Name: id, Type: 'service', Datacenters: ['dc1'], TaskGroups: [group] };
  const response = await fetch(`${sim.url}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: job }) });
  assert.equal(response.status, 200);
}

async function stubOf(id: string): Promise<JobListStub> {
  const { jobs } = await nomad.jobs.list({ namespace: 'default', meta: true });
  return jobs.find((j) => j.ID === id)!;
}

/** A comparison holding one owned job, live either in full or (as observe leaves a job proven unchanged) as its list entry. */
function comparisonOf(id: string, job: NomadJob, jobModifyIndex: number): ComparisonResult {
  const live = { id, namespace: 'default', job, jobModifyIndex };
  return {
    status: 'Synced',
    conditions: [],
    jobs: [{ id, namespace: 'default', status: 'Synced', ownership: 'owned', diff: [], live }],
  } as ComparisonResult;
}

test('a job known only by its list entry is read in full once per JobModifyIndex, not at every health read', async () => {
  await register('web', 2);
  const tracker = new HealthTracker();
  const stub = await stubOf('web');
  const { job } = await nomad.jobs.read('web', { namespace: 'default' });
  const key = 'default/web';
  await tracker.assess(nomad, 'c', comparisonOf('web', job!, stub.JobModifyIndex), new Map([[key, stub]]));

  proxy.reset();
  // Progressing is never cached, so each assess reads health again: from the remembered spec.
  for (let i = 0; i < 3; i++) {
    const entry = comparisonOf('web', stub as unknown as NomadJob, stub.JobModifyIndex);
    const readings = await tracker.assess(nomad, 'c', entry, new Map([[key, stub]]));
    assert.equal(readings.get(key)?.health.status, 'Progressing');
  }
  assert.equal(proxy.count('GET', /^\/v1\/job\/web$/), 0, 'the job was not read again');

  await register('web', 3);
  const moved = await stubOf('web');
  assert.notEqual(moved.JobModifyIndex, stub.JobModifyIndex);
  const entry = comparisonOf('web', moved as unknown as NomadJob, moved.JobModifyIndex);
  await tracker.assess(nomad, 'c', entry, new Map([[key, moved]]));
  assert.equal(proxy.count('GET', /^\/v1\/job\/web$/), 1, 'a new JobModifyIndex is read');
});

test('while a deployment runs, its health is read from the deployment without listing allocations', async () => {
  await register('api', 2);
  const stub = await stubOf('api');
  const { job } = await nomad.jobs.read('api', { namespace: 'default' });
  proxy.reset();
  const readings = await new HealthTracker().assess(
    nomad,
    'c',
    comparisonOf('api', job!, stub.JobModifyIndex),
    new Map([['default/api', stub]]),
  );
  assert.match(readings.get('default/api')?.health.message ?? '', /^deployment of version \d+ running/);
  assert.equal(proxy.count('GET', /^\/v1\/job\/api\/deployments$/), 1);
  assert.equal(proxy.count('GET', /^\/v1\/job\/api\/allocations$/), 0);
});

test('a Progressing reading is kept while the event stream marks no deployment change, and only then', async () => {
  await register('db', 2);
  const { job } = await nomad.jobs.read('db', { namespace: 'default' });
  const listed = await stubOf('db');
  const tracker = new HealthTracker();
  const assess = async (stub: JobListStub) => {
    const entry = comparisonOf('db', job!, stub.JobModifyIndex);
    return (await tracker.assess(nomad, 'c', entry, new Map([['default/db', stub]]))).get('default/db')!;
  };
  const deploymentReads = () => proxy.count('GET', /^\/v1\/job\/db\/deployments$/);

  proxy.reset();
  // From a blocking list (no mark), a deployment could move unseen: read at every reconcile.
  await assess(listed);
  await assess(listed);
  assert.equal(deploymentReads(), 2);

  const marked = { ...listed, DeploymentIndex: 100 };
  assert.equal((await assess(marked)).health.status, 'Progressing');
  await assess(marked);
  assert.equal(deploymentReads(), 3, 'kept while the mark stands');
  await assess({ ...marked, DeploymentIndex: 101 });
  assert.equal(deploymentReads(), 4, 'read again once a deployment event moved it');
});
