import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startSim, type RunningSim } from '../../sim/server.js';
import { NomadProxy } from '../../test/helpers/nomad-proxy.js';
import { waitFor } from '../../test/helpers/process.js';
import type { JobListStub } from '../nomad/index.js';
import { NomadClient } from '../nomad/index.js';
import { appsToWake } from './drift-events.js';
import { JobInventory } from './inventory.js';

let sim: RunningSim;
let proxy: NomadProxy;
let inventory: JobInventory;
const events: Array<{ changed: string[]; gone: string[] }> = [];
before(async () => {
  sim = await startSim({ port: 0 });
  proxy = await NomadProxy.start(sim.url);
  const nomad = new NomadClient({ address: proxy.url });
  // These tests cover the blocking-list watch, the fallback when the event stream is refused;
  // inventory-events.test.ts covers the event stream.
  inventory = new JobInventory({
    source: 'list',
    nomadFor: () => nomad,
    logger: pino({ level: 'silent' }),
    onChange: (_c, _n, changed, gone) =>
      events.push({ changed: changed.map((s) => s.ID), gone: gone.map((s) => s.ID) }),
  });
});
after(async () => {
  inventory.stop();
  await proxy.close();
  await sim.close();
});

const register = (id: string, count = 1) =>
  fetch(`${sim.url}/v1/jobs`, {
    method: 'PUT',
    body: JSON.stringify({
      Job: {
        ID: id,
        Name: id,
        Type: 'service',
        Datacenters: ['dc1'],
        Meta: { 'drover.app': 'web', 'drover.job': `default/${id}` },
        TaskGroups: [{ Name: 'g', Count: count, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }],
      },
    }),
  });

test('after the first list, lists are served from the watch, and an edit made elsewhere is reported and seen', async () => {
  await register('a');
  const first = await inventory.list('default', 'default');
  assert.deepEqual(
    first.map((s) => s.ID),
    ['a'],
  );
  proxy.reset();
  for (let i = 0; i < 5; i++) await inventory.list('default', 'default');
  assert.equal(
    proxy.count('GET', /^\/v1\/jobs$/) <= 1,
    true,
    "at most the watch's own blocking call, no list per caller",
  );

  await register('a', 3);
  await register('b');
  await waitFor(
    'the watch to report the change',
    async () =>
      events.find((e) => e.changed.includes('a') && e.changed.includes('b')) ??
      events.find((e) => e.changed.includes('b')),
  );
  const now = await inventory.list('default', 'default');
  assert.deepEqual(now.map((s) => s.ID).sort(), ['a', 'b']);
});

test('a purged job is reported as gone', async () => {
  await fetch(`${sim.url}/v1/job/b?purge=true`, { method: 'DELETE' });
  await waitFor('gone', async () => events.find((e) => e.gone.includes('b')));
});

test('a fresh list raises the floor: the watch is not served until it has caught up with it', async () => {
  await inventory.list('default', 'default');
  proxy.delay(1500, /\bindex=/); // the watch's next blocking call reaches Nomad late
  await register('x'); // answers the current blocking call; its successor is held by the proxy
  await new Promise((r) => setTimeout(r, 100));
  await register('c');
  const fresh = await inventory.listFresh('default', 'default');
  assert.ok(fresh.some((s) => s.ID === 'c'));
  const served = await inventory.list('default', 'default');
  assert.ok(
    served.some((s) => s.ID === 'c'),
    'never an older list than one already seen',
  );
  proxy.delay(0);
});

test("while the watch fails, callers get Nomad's answer (or its error), never a stale list", async () => {
  proxy.fail(/^\/v1\/jobs$/, 500, { method: 'GET', body: 'No cluster leader' });
  await register('d'); // wakes the blocking call, whose retry now fails
  await waitFor('the watch to fail', async () => (proxy.count('GET', /^\/v1\/jobs$/) > 0 ? true : undefined));
  await assert.rejects(() => inventory.list('default', 'default'), /No cluster leader/);
  proxy.clearFaults();
  const listed = await inventory.list('default', 'default');
  assert.ok(listed.some((s) => s.ID === 'd'));
});

test('appsToWake wakes the owners of changed and gone jobs that belong to this Drover', () => {
  const stub = (id: string, app: string): JobListStub =>
    ({
      ID: id,
      Name: id,
      Namespace: 'default',
      JobModifyIndex: 1,
      ModifyIndex: 1,
      Stop: false,
      Meta: { 'drover.app': app, 'drover.job': `default/${id}` },
    }) as unknown as JobListStub;
  const known = (name: string) => name === 'web' || name === 'api';
  assert.deepEqual(appsToWake([stub('a', 'web'), stub('b', 'web')], [], known), ['web']);
  assert.deepEqual(appsToWake([], [stub('c', 'api')], known), ['api'], 'purged');
  assert.deepEqual(appsToWake([stub('x', 'other')], [], known), [], 'not an app of this Drover');
  assert.deepEqual(
    appsToWake([{ ...stub('y', 'web'), Meta: { 'drover.app': 'web', 'drover.job': 'default/copied' } }], [], known),
    [],
    'a copied marker is not trusted',
  );
});
