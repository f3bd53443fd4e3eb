import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from './server.js';
import { NomadClient, type NomadAPIError } from '../src/nomad/index.js';

let sim: RunningSim;
let nomad: NomadClient;
before(async () => {
  sim = await startSim({ port: 0 });
  nomad = new NomadClient({ address: sim.url });
});
after(() => sim.close());

const job = (count = 1) => ({ ID: 'web', Meta: { owner: 'x' }, TaskGroups: [{ Name: 'g', Count: count, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }] });

test('register fills Nomad defaults, and an identical register keeps the version', async () => {
  const first = await nomad.jobs.register(job());
  const { job: stored, meta } = await nomad.jobs.read('web');
  assert.equal(stored?.Name, 'web');
  assert.equal(stored?.Namespace, 'default');
  assert.equal(stored?.Type, 'service');
  assert.equal(stored?.Priority, 50);
  assert.deepEqual(stored?.Datacenters, ['*']);
  assert.equal(stored?.Version, 0);
  assert.equal(stored?.JobModifyIndex, first.JobModifyIndex);
  assert.equal(meta.lastIndex, stored?.ModifyIndex);

  const again = await nomad.jobs.register(job());
  assert.notEqual(again.EvalID, '', 'an identical register still creates an evaluation');
  assert.equal((await nomad.jobs.read('web')).job?.Version, 0);
  await nomad.jobs.register(job(2));
  assert.equal((await nomad.jobs.read('web')).job?.Version, 1);
});

test('EnforceIndex conflicts answer 500 with Nomad\'s text', async () => {
  const current = (await nomad.jobs.read('web')).job!;
  await assert.rejects(nomad.jobs.register(job(3), { enforceIndex: Number(current.JobModifyIndex) - 1 }), (error: NomadAPIError) => {
    assert.equal(error.statusCode, 500);
    assert.match(error.body, /Enforcing job modify index \d+: job exists with conflicting job modify index: \d+/);
    return true;
  });
  await assert.rejects(nomad.jobs.register(job(3), { enforceIndex: 0 }), /job already exists/);
  await nomad.jobs.register(job(3), { enforceIndex: Number(current.JobModifyIndex) });
});

test('list filters by prefix and adds Meta only with meta=true', async () => {
  const plain = await nomad.jobs.list({ prefix: 'we' });
  assert.equal(plain.jobs.length, 1);
  assert.equal('Meta' in plain.jobs[0]!, false);
  assert.deepEqual((await nomad.jobs.list({ meta: true })).jobs[0]!.Meta, { owner: 'x' });
  assert.deepEqual((await nomad.jobs.list({ prefix: 'zz' })).jobs, []);
});

test('missing jobs, bad bodies and wrong methods answer as Nomad does', async () => {
  assert.equal((await nomad.jobs.read('nope')).job, undefined);
  const res = await fetch(`${sim.url}/v1/job/nope`);
  assert.equal(res.status, 404);
  assert.equal(await res.text(), 'job not found');
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  assert.equal((await fetch(`${sim.url}/v1/jobs`, { method: 'PUT', body: '' })).status, 400);
  const mismatch = await fetch(`${sim.url}/v1/job/other`, { method: 'PUT', body: JSON.stringify({ job: job() }) });
  assert.equal(mismatch.status, 400, 'keys match case-insensitively, and the ID must match the path');
  assert.equal(await mismatch.text(), 'Job ID does not match name');
  assert.equal((await fetch(`${sim.url}/v1/jobs`, { method: 'PATCH' })).status, 405);
});

test('deregister stops the job; purge removes it; a missing job answers 200 with empty IDs', async () => {
  await nomad.jobs.deregister('web');
  const stopped = (await nomad.jobs.read('web')).job!;
  assert.equal(stopped.Stop, true);
  assert.equal(stopped.Status, 'dead');
  await nomad.jobs.deregister('web', { purge: true });
  assert.equal((await nomad.jobs.read('web')).job, undefined);
  const gone = await nomad.jobs.deregister('web');
  assert.equal(gone.EvalID, '');
});
