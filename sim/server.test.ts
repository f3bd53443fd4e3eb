import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from './server.js';
import { Faults } from './faults.js';
import { NomadClient } from '../src/nomad/index.js';

let sim: RunningSim;
let nomad: NomadClient;
before(async () => {
  sim = await startSim({ port: 0, allocDelayMs: 10, heartbeatMs: 30, aclBootstrapToken: 'root-secret' });
  nomad = new NomadClient({ address: sim.url, token: 'root-secret' });
});
after(async () => {
  await nomad.close();
  await sim.close();
});

const job = (id: string) => ({
  ID: id,
  TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }],
});
const post = (path: string, body: unknown = {}) =>
  fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('ACL tokens are read from X-Nomad-Token or Authorization: Bearer; /v1/status needs none', async () => {
  assert.equal((await fetch(`${sim.url}/v1/jobs`, { headers: { authorization: 'Bearer root-secret' } })).status, 200);
  const denied = await fetch(`${sim.url}/v1/jobs`, { headers: { authorization: 'Bearer wrong' } });
  assert.deepEqual([denied.status, await denied.text()], [403, 'Permission denied']);
  assert.equal((await fetch(`${sim.url}/v1/status/leader`)).status, 200);
});

test('reset empties the state but keeps the default namespace', async () => {
  await nomad.jobs.register(job('before-reset'));
  assert.equal((await post('/_sim/reset')).status, 200);
  assert.deepEqual((await nomad.jobs.list()).jobs, []);
  assert.deepEqual(
    (await nomad.namespaces.list()).namespaces.map((n) => n.Name),
    ['default'],
  );
});

test('the event stream sends {} heartbeats and rejects malformed topics', async () => {
  const abort = new AbortController();
  const response = await fetch(`${sim.url}/v1/event/stream?topic=Job`, {
    signal: abort.signal,
    headers: { 'x-nomad-token': 'root-secret' },
  });
  const reader = response.body!.getReader();
  let text = '';
  while ((text.match(/\{\}\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  const bad = await fetch(`${sim.url}/v1/event/stream?topic=Job:a:b`, { headers: { 'x-nomad-token': 'root-secret' } });
  assert.equal(bad.status, 400);
});

test('control API rejects bad fault definitions', async () => {
  assert.equal((await post('/_sim/faults/errors', { path: 'v1/jobs' })).status, 400);
  assert.equal((await post('/_sim/faults/errors', { path: '/v1/jobs', status: 200 })).status, 400);
  assert.equal((await post('/_sim/faults/allocations', {})).status, 400);
  assert.equal((await post('/_sim/faults/latency', { ms: -1 })).status, 400);
});

test('fault registry: counts run down, paths match by prefix, allocation faults match job, children and group', () => {
  const faults = new Faults();
  faults.addRequestFault({ path: '/v1/job/', method: 'get', status: 500, count: 2 });
  assert.equal(faults.takeRequestFault('PUT', '/v1/job/x'), undefined);
  assert.equal(faults.takeRequestFault('GET', '/v1/job/x')?.status, 500);
  assert.equal(faults.takeRequestFault('GET', '/v1/job/y')?.status, 500);
  assert.equal(faults.takeRequestFault('GET', '/v1/job/z'), undefined);
  faults.latency = { ms: 50, path: '/v1/jobs' };
  assert.deepEqual([faults.latencyFor('/v1/jobs'), faults.latencyFor('/v1/job/x')], [50, 0]);
  faults.addAllocFault({ namespace: 'default', job: 'web', group: 'g', task: 't' });
  assert.equal(faults.shouldFail('default', 'web', 'g'), 't');
  assert.equal(faults.shouldFail('default', 'web/periodic-1', 'g'), 't');
  assert.equal(faults.shouldFail('default', 'web', 'other'), undefined);
  assert.equal(faults.shouldFail('prod', 'web', 'g'), undefined);
  faults.addAllocFault({ namespace: 'default', job: 'api', image: 'api:broken' });
  assert.equal(faults.shouldFail('default', 'api', 'g', ['api:broken']), '');
  assert.equal(faults.shouldFail('default', 'api', 'g', ['api:1.0']), undefined, 'the previous release still runs');
});

test('job status: a stopped job registered again is pending until its allocations run, never dead in between', async () => {
  await nomad.jobs.register(job('status'));
  await nomad.jobs.deregister('status');
  for (let i = 0; i < 200 && (await nomad.jobs.read('status')).job?.Status !== 'dead'; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await nomad.jobs.read('status')).job?.Status, 'dead');
  await nomad.jobs.register(job('status'));
  const status = (await nomad.jobs.read('status')).job?.Status;
  assert.ok(status === 'pending' || status === 'running', `status right after the register: ${status}`);
});

test('PreserveResources keeps the live task resources', async () => {
  const sized = (memory: number, image: string) => ({
    ID: 'sized',
    TaskGroups: [
      {
        Name: 'g',
        Tasks: [{ Name: 't', Driver: 'docker', Config: { image }, Resources: { CPU: 100, MemoryMB: memory } }],
      },
    ],
  });
  await nomad.jobs.register(sized(512, 'a'));
  await nomad.jobs.register(sized(128, 'b'), { preserveResources: true });
  const task = (await nomad.jobs.read('sized')).job!.TaskGroups![0]!.Tasks as Array<{
    Resources: { MemoryMB: number };
    Config: { image: string };
  }>;
  assert.deepEqual([task[0]!.Resources.MemoryMB, task[0]!.Config.image], [512, 'b']);
});
