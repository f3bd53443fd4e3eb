import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../sim/server.js';
import { testAppSpec } from '../../test/helpers/app-spec.js';
import type { DesiredJob, LiveJob } from '../domain/job.js';
import { NomadClient } from '../nomad/index.js';
import { compare } from './compare.js';
import { applyComparison, preservesCounts, pruneBlocked, pruneLimit, withOwner } from './sync.js';

let sim: RunningSim;
let nomad: NomadClient;
before(async () => {
  sim = await startSim({ port: 0 });
  nomad = new NomadClient({ address: sim.url });
});
after(() => sim.close());

const app = testAppSpec('app', {
  source: { repoURL: 'r', revision: 'main', path: '.' },
  syncPolicy: { prune: true, retry: { limit: 0, backoffMs: 1, factor: 1, maxBackoffMs: 1 } },
  historyLimit: 10,
});
const desired = (id: string, count: number): DesiredJob =>
  withOwner('app', {
    id,
    namespace: 'default',
    file: `${id}.json`,
    job: {
      ID: id,
      TaskGroups: [{ Name: 'g', Count: count, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }],
    },
  });
const readLive = async (id: string): Promise<LiveJob> => {
  const { job } = await nomad.jobs.read(id);
  return { id, namespace: 'default', job: job!, jobModifyIndex: Number(job!.JobModifyIndex) };
};

test('an EnforceIndex conflict re-reads, re-compares and writes over the concurrent change', async () => {
  await nomad.jobs.register(desired('race', 1).job);
  const stale = await readLive('race');
  await nomad.jobs.register({
    ...desired('race', 1).job,
    TaskGroups: [{ Name: 'g', Count: 9, Tasks: [{ Name: 't', Driver: 'docker', Config: { image: 'nginx' } }] }],
  }); // someone else
  const comparison = compare({ app: 'app', desired: [desired('race', 2)], live: [stale] });
  const outcome = await applyComparison(nomad, app, comparison);
  assert.deepEqual(
    outcome.actions.map((a) => [a.action, a.result]),
    [['update', 'ok']],
  );
  assert.equal((await readLive('race')).job.TaskGroups![0]!.Count, 2);
});

test('when the concurrent change already made the job right, nothing more is written', async () => {
  const stale = await readLive('race');
  await nomad.jobs.register(desired('race', 3).job);
  const index = (await readLive('race')).jobModifyIndex;
  const outcome = await applyComparison(
    nomad,
    app,
    compare({ app: 'app', desired: [desired('race', 3)], live: [stale] }),
  );
  assert.deepEqual(
    outcome.actions.map((a) => [a.action, a.result, a.message]),
    [['unchanged', 'ok', 'already in sync after a concurrent change']],
  );
  assert.equal((await readLive('race')).jobModifyIndex, index);
});

test('a job created meanwhile by another app is not written', async () => {
  const comparison = compare({ app: 'app', desired: [desired('grabbed', 1)], live: [] });
  await nomad.jobs.register(
    withOwner('other', {
      id: 'grabbed',
      namespace: 'default',
      file: 'x',
      job: { ...desired('grabbed', 5).job, Meta: {} },
    }).job,
  );
  const outcome = await applyComparison(nomad, app, comparison);
  assert.equal(outcome.actions[0]!.action, 'skipped');
  assert.equal((await readLive('grabbed')).job.Meta!['drover.app'], 'other');
});

test('prune waits for every write, and stops rather than purges unless asked', async () => {
  await nomad.jobs.register(desired('old', 1).job);
  const comparison = compare({
    app: 'app',
    desired: [desired('race', 3)],
    live: [await readLive('race'), await readLive('old')],
  });
  await applyComparison(nomad, app, comparison);
  assert.equal((await readLive('old')).job.Stop, true);
  await nomad.jobs.register(desired('old2', 1).job);
  await applyComparison(
    nomad,
    { ...app, syncPolicy: { ...app.syncPolicy, purge: true } },
    compare({ app: 'app', desired: [desired('race', 3)], live: [await readLive('old2')] }),
  );
  assert.equal((await nomad.jobs.read('old2')).job, undefined);
});

test('PreserveCounts is used exactly when a rule ignores a group Count', () => {
  assert.equal(preservesCounts(app, 'web'), false);
  const scaled = { ...app, ignoreDifferences: [{ job: 'web', paths: ['/TaskGroups/*/Count'] }, { paths: ['/Meta'] }] };
  assert.equal(preservesCounts(scaled, 'web'), true);
  assert.equal(preservesCounts(scaled, 'api'), false);
});

test('a closed write gate withholds every register and prune, and says why', async () => {
  await nomad.jobs.register(desired('gate-extra', 1).job);
  const live = [await readLive('gate-extra')];
  const comparison = compare({ app: 'app', desired: [desired('gate-new', 1)], live });
  const gate = { mayWrite: () => false, reason: () => 'not the leader; http://b:8080 leads' };
  const outcome = await applyComparison(nomad, app, comparison, { gate });
  assert.deepEqual(
    outcome.actions.map((a) => [a.id, a.action, a.result]),
    [['gate-new', 'create', 'failed']],
    'prune never runs after a failed write',
  );
  assert.match(outcome.actions[0]!.message ?? '', /write withheld: not the leader; http:\/\/b:8080 leads/);
  assert.equal((await nomad.jobs.read('gate-new')).job, undefined);
  const emptyOK = { ...app, syncPolicy: { ...app.syncPolicy, allowEmpty: true } };
  const prune = await applyComparison(nomad, emptyOK, compare({ app: 'app', desired: [], live }), { gate });
  assert.deepEqual(
    prune.actions.map((a) => [a.id, a.action, a.result]),
    [['gate-extra', 'prune', 'failed']],
  );
  assert.ok((await nomad.jobs.read('gate-extra')).job);
});

test('the prune guard: max_prune as a count or a share (at least one job); manual syncs and allow_mass_prune lift it', async () => {
  assert.equal(pruneLimit({ percent: 50 }, 50), 25);
  assert.equal(pruneLimit({ percent: 50 }, 1), 1, 'pruning one job is never a mass prune');
  assert.equal(pruneLimit({ percent: 10 }, 5), 1);
  assert.equal(pruneLimit({ count: 0 }, 5), 0);
  const ids = ['g1', 'g2', 'g3', 'g4'];
  for (const id of ids) await nomad.jobs.register(desired(id, 1).job);
  const live = await Promise.all(ids.map(readLive));
  // Git keeps one of four owned jobs: three prunes, more than half.
  const comparison = compare({ app: 'app', desired: [desired('g1', 1)], live });
  assert.match(
    pruneBlocked(app, comparison)!,
    /pruning 3 of the app's 4 job\(s\) at once exceeds max_prune \(50%, 2 job\(s\)\)/,
  );
  const held = await applyComparison(nomad, app, comparison);
  assert.deepEqual(
    held.actions.map((a) => a.action),
    ['unchanged'],
  );
  assert.equal(
    pruneBlocked({ ...app, syncPolicy: { ...app.syncPolicy, maxPrune: { count: 3 } } }, comparison),
    undefined,
  );
  assert.equal(
    pruneBlocked({ ...app, syncPolicy: { ...app.syncPolicy, allowMassPrune: true } }, comparison),
    undefined,
  );
  // A manual sync prunes them, and reports each action as it is known.
  const seen: string[] = [];
  const manual = await applyComparison(nomad, app, comparison, {
    manual: true,
    onAction: (a) => seen.push(`${a.id}:${a.action}`),
  });
  assert.deepEqual(
    manual.actions.map((a) => a.action),
    ['unchanged', 'prune', 'prune', 'prune'],
  );
  assert.deepEqual(seen, ['g1:unchanged', 'g2:prune', 'g3:prune', 'g4:prune']);
});

test('a sync whose history cannot be recorded fails, starting no further writes or prunes', async () => {
  const comparison = compare({ app: 'app', desired: [desired('h1', 1), desired('h2', 1)], live: [] });
  const failing = () => {
    throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
  };
  await assert.rejects(applyComparison(nomad, app, comparison, { onAction: failing }), /malformed/);
});
