import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startSim, type RunningSim } from '../../sim/server.js';
import { NomadProxy } from '../../test/helpers/nomad-proxy.js';
import { waitFor } from '../../test/helpers/process.js';
import { NomadClient } from '../nomad/index.js';
import { JobInventory } from './inventory.js';

// The inventory following Nomad's event stream (its default), against the simulator through a
// counting proxy. inventory.test.ts covers the blocking-list fallback.
let sim: RunningSim;
let proxy: NomadProxy;
let nomad: NomadClient;
const open: JobInventory[] = [];
let events: Array<{ changed: string[]; gone: string[] }> = [];

before(async () => {
  sim = await startSim({ port: 0, allocDelayMs: 50 });
  proxy = await NomadProxy.start(sim.url);
  nomad = new NomadClient({ address: proxy.url });
});
beforeEach(() => {
  // Each test counts its own inventory's calls only.
  for (const inventory of open.splice(0)) inventory.stop();
  events = [];
  proxy.clearFaults();
  proxy.reset();
});
after(async () => {
  for (const inventory of open) inventory.stop();
  await proxy.close();
  await sim.close();
});

function newInventory(namespace = 'default'): JobInventory {
  const inventory = new JobInventory({
    nomadFor: () => nomad,
    logger: pino({ level: 'silent' }),
    onChange: (_c, ns, changed, gone) => {
      if (ns === namespace) events.push({ changed: changed.map((s) => s.ID), gone: gone.map((s) => s.ID) });
    },
  });
  open.push(inventory);
  return inventory;
}

const register = (id: string, count = 1, namespace = 'default') =>
  fetch(`${sim.url}/v1/jobs?namespace=${namespace}`, {
    method: 'PUT',
    body: JSON.stringify({
      Job: {
        ID: id,
        Name: id,
        Namespace: namespace,
        Type: 'service',
        Datacenters: ['dc1'],
        Meta: { 'drover.app': 'web', 'drover.job': `${namespace}/${id}` },
        TaskGroups: [{ Name: 'g', Count: count, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }],
      },
    }),
  }).then(async (r) => ((await r.json()) as { JobModifyIndex: number }).JobModifyIndex);

const streams = () => proxy.count('GET', /^\/v1\/event\/stream$/);
const fullLists = () => proxy.count('GET', /^\/v1\/jobs$/);

test('given the event stream, when jobs change, then each change arrives as an event and no full list is read', async () => {
  const inventory = newInventory();
  await register('e1');
  await inventory.list('default', 'default');
  await waitFor('the stream to open', async () => (streams() === 1 ? true : undefined));

  const index = await register('e1', 2);
  await register('e2');
  const seen = await inventory.listAtLeast('default', 'default', index);
  assert.equal(seen.find((s) => s.ID === 'e1')?.JobModifyIndex, index, "Drover's own write is seen");
  await waitFor('both changes reported', async () =>
    events.some((e) => e.changed.includes('e2')) && events.some((e) => e.changed.includes('e1')) ? true : undefined,
  );
  const served = await inventory.list('default', 'default');
  assert.deepEqual(
    served.map((s) => s.ID),
    ['e1', 'e2'],
  );
  assert.equal(fullLists(), 1, 'only the first list; changes come from the stream');
  assert.equal(served[0]!.Datacenters, undefined, 'entries are trimmed to what the inventory needs');
  assert.equal(served[0]!.Meta?.['drover.app'], 'web');
});

test('given the event stream, when allocations start, then the summary is refreshed and the change reported', async () => {
  const inventory = newInventory();
  await register('s1');
  await inventory.list('default', 'default');
  await register('s1', 2); // after the list: only the stream and summary reads can show the second allocation
  const running = await waitFor('the summary to show two running allocations', async () => {
    const stub = (await inventory.list('default', 'default')).find((s) => s.ID === 's1');
    return stub?.JobSummary?.Summary['g']?.Running === 2 ? stub : undefined;
  });
  assert.ok(running.JobSummary!.ModifyIndex > 0);
  assert.ok(proxy.count('GET', /^\/v1\/job\/s1\/summary$/) >= 1, 'one small read per change, not the whole list');
  assert.ok(events.some((e) => e.changed.includes('s1')));
});

test('given the event stream, when a job is stopped and another purged, then one is changed and the other gone', async () => {
  const inventory = newInventory();
  await register('p1');
  await register('p2');
  await inventory.list('default', 'default');
  await waitFor('the stream to open', async () => (streams() >= 1 ? true : undefined));
  await fetch(`${sim.url}/v1/job/p1`, { method: 'DELETE' });
  await fetch(`${sim.url}/v1/job/p2?purge=true`, { method: 'DELETE' });
  await waitFor('the purge reported', async () => (events.some((e) => e.gone.includes('p2')) ? true : undefined));
  const now = await inventory.list('default', 'default');
  assert.equal(now.find((s) => s.ID === 'p1')?.Stop, true);
  assert.equal(
    now.some((s) => s.ID === 'p2'),
    false,
  );
});

test('given a dropped stream, when jobs change meanwhile, then it resumes from its index and misses nothing', async () => {
  const inventory = newInventory();
  await inventory.list('default', 'default');
  await waitFor('the stream to open', async () => (streams() === 1 ? true : undefined));
  proxy.fail(/^\/v1\/event\/stream$/, 500, { times: 1, body: 'No cluster leader' });
  await fetch(`${sim.url}/_sim/events/drop`, { method: 'POST' });
  const index = await register('d1');
  await waitFor('the stream to be resumed', async () => (streams() >= 3 ? true : undefined));
  const resumed = proxy.calls.filter((c) => c.path === '/v1/event/stream').at(-1)!;
  assert.match(resumed.query, /\bindex=\d+/, 'resumed from an index, not replayed from the start');
  const seen = await inventory.listAtLeast('default', 'default', index);
  assert.ok(seen.some((s) => s.ID === 'd1'));
  await waitFor('the change reported', async () => (events.some((e) => e.changed.includes('d1')) ? true : undefined));
});

test('while the stream is down, callers get a direct list, never a stale one', async () => {
  const inventory = newInventory();
  await inventory.list('default', 'default');
  await waitFor('the stream to open', async () => (streams() === 1 ? true : undefined));
  proxy.fail(/^\/v1\/event\/stream$/, 500, { body: 'No cluster leader' });
  await fetch(`${sim.url}/_sim/events/drop`, { method: 'POST' });
  await waitFor('a failed reconnect', async () => (streams() >= 2 ? true : undefined));
  await register('down1');
  const listed = await inventory.list('default', 'default');
  assert.ok(
    listed.some((s) => s.ID === 'down1'),
    'a direct list while the stream is down',
  );
  proxy.clearFaults();
});

test('given ACLs that forbid the stream (403), then the inventory falls back to blocking lists and still sees drift', async () => {
  proxy.fail(/^\/v1\/event\/stream$/, 403, { body: 'Permission denied' });
  const inventory = newInventory('fallback');
  await fetch(`${sim.url}/v1/namespace/fallback`, { method: 'PUT', body: JSON.stringify({ Name: 'fallback' }) });
  await inventory.list('default', 'fallback');
  await waitFor('a blocking list', async () =>
    proxy.calls.some(
      (c) => c.path === '/v1/jobs' && /\bindex=.*namespace=fallback|namespace=fallback.*\bindex=/.test(c.query),
    )
      ? true
      : undefined,
  );
  await register('f1', 1, 'fallback');
  await waitFor('the change reported', async () => (events.some((e) => e.changed.includes('f1')) ? true : undefined));
  const asked = proxy.calls.filter((c) => c.path === '/v1/event/stream' && /namespace=fallback/.test(c.query));
  assert.equal(asked.length, 1, 'the stream was asked once, then left alone');
});

test("given the event stream, when a job's deployment moves, then its entry carries the event's index", async () => {
  const inventory = newInventory();
  await inventory.list('default', 'default');
  await waitFor('the stream to open', async () => (streams() === 1 ? true : undefined));
  await register('d1', 2);
  // The deployment runs, its allocations turn healthy and it succeeds: each a Deployment event.
  const marked = await waitFor('the entry marked', async () => {
    const stub = (await inventory.list('default', 'default')).find((s) => s.ID === 'd1');
    return stub?.DeploymentIndex !== undefined ? stub : undefined;
  });
  const later = await waitFor('a later deployment event', async () => {
    const stub = (await inventory.list('default', 'default')).find((s) => s.ID === 'd1');
    return (stub?.DeploymentIndex ?? 0) > marked.DeploymentIndex! ? stub : undefined;
  });
  assert.ok(later.DeploymentIndex! > marked.DeploymentIndex!);
});
