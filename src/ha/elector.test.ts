import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startSim, type RunningSim } from '../../sim/server.js';
import { NomadClient } from '../nomad/index.js';
import { NomadProxy } from '../../test/helpers/nomad-proxy.js';
import { LeaderElector, type ElectorOptions } from './elector.js';

// Short locks on a simulator whose floor is lowered; the bounds below derive from these, never tight.
const TTL_MS = 2000;
const DELAY_MS = 1000;
const PATH = 'nomad/jobs/drover/leader';

let sim: RunningSim;
const clients: NomadClient[] = [];
const electors: LeaderElector[] = [];

before(async () => {
  sim = await startSim({ port: 0, minLockTtlMs: 1000 });
});
after(async () => {
  await Promise.all(electors.map((e) => e.stop()));
  await Promise.all(clients.map((c) => c.close()));
  await sim.close();
});

function elector(id: string, address = sim.url, hooks: Partial<ElectorOptions> = {}): LeaderElector {
  const nomad = new NomadClient({ address, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  clients.push(nomad);
  const made = new LeaderElector({
    variables: nomad.variables,
    path: hooks.path ?? PATH,
    ttlMs: TTL_MS,
    lockDelayMs: DELAY_MS,
    self: { id, url: `http://${id}.example:8080` },
    logger: pino({ level: 'silent' }),
    onElected: () => undefined,
    onDeposed: () => undefined,
    ...hooks,
  });
  electors.push(made);
  made.start();
  return made;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const held = (path = PATH) => sim.sim.variables.get('default', path);
// Generous: a takeover needs the TTL, the lock-delay and one follower retry; the machine may be loaded.
const TAKEOVER_BOUND_MS = (TTL_MS + DELAY_MS + TTL_MS / 5) * 4;

test('one instance is elected; the others follow and name it; the leader renews past its TTL', async () => {
  const path = 'drover/elect';
  const a = elector('a', sim.url, { path });
  await until('a to lead', () => a.isLeader(), 5000);
  const b = elector('b', sim.url, { path });
  await until('b to learn who leads', () => b.leader()?.id === 'a', 5000);
  assert.equal(b.mayWrite(), false);
  assert.match(b.reason(), /a\.example:8080 leads/);
  assert.deepEqual(held(path)?.Items, { leader_id: 'a', leader_url: 'http://a.example:8080' });
  const lockId = held(path)!.Lock!.ID;
  const start = held(path)!.ModifyIndex;
  // Three renewals later (more than one TTL), the same lock is still held.
  await until('three renewals', () => held(path)!.ModifyIndex >= start + 3, TTL_MS * 4);
  assert.equal(held(path)!.Lock?.ID, lockId);
  assert.equal(a.mayWrite(), true);
  await a.stop();
  await b.stop();
});

test('a partitioned leader closes its gate while Nomad still holds its lock; another takes over after the lock-delay', async () => {
  const path = 'drover/partition';
  const proxy = await NomadProxy.start(sim.url);
  let lockAtDeposal: string | undefined = 'unset';
  const a = elector('a', proxy.url, {
    path,
    onDeposed: () => {
      lockAtDeposal = held(path)?.Lock?.ID;
    },
  });
  await until('a to lead', () => a.isLeader(), 5000);
  const lockId = held(path)!.Lock!.ID;
  let bElectedWhileLocked = false;
  const b = elector('b', sim.url, {
    path,
    onElected: () => {
      bElectedWhileLocked = held(path)?.Lock?.ID === lockId;
    },
  });
  proxy.fail(/^\/v1\/var\//, 500, { query: /lock-renew/ });
  await until('a to stop writing', () => !a.mayWrite(), TTL_MS * 2);
  assert.equal(lockAtDeposal === 'unset' || lockAtDeposal === lockId, true, 'the gate closed before the TTL ran out');
  await until('a to be deposed', () => lockAtDeposal !== 'unset', TTL_MS * 2);
  assert.equal(lockAtDeposal, lockId, 'deposed while Nomad still held the lock: no overlap with a new leader');
  await until('b to take over', () => b.isLeader(), TAKEOVER_BOUND_MS);
  assert.equal(bElectedWhileLocked, false);
  assert.notEqual(held(path)!.Lock!.ID, lockId);
  assert.equal(a.mayWrite(), false);
  await b.stop();
  await a.stop();
  await proxy.close();
});

test('stopping releases the lock at once, so a follower takes over without a lock-delay', async () => {
  const path = 'drover/release';
  const a = elector('a', sim.url, { path });
  await until('a to lead', () => a.isLeader(), 5000);
  await a.stop();
  assert.equal(held(path)?.Lock, undefined);
  assert.equal(held(path)?.lockDelayUntil, undefined, 'no lock-delay after a release');
  const b = elector('b', sim.url, { path });
  await until('b to lead', () => b.isLeader(), 5000);
  await b.stop();
});
