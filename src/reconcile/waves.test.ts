import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSpec, HealthCode } from '../domain/app.js';
import type { DesiredJob } from '../domain/job.js';
import type { ComparisonResult, JobComparison } from './compare.js';
import type { HealthReading } from './health-step.js';
import { jobWaves, planWaves } from './waves.js';

const desired = (id: string, meta: Record<string, string> = {}): DesiredJob => ({
  id,
  namespace: 'default',
  file: `apps/shop/${id}.nomad.hcl`,
  job: { ID: id, Meta: meta },
});
const app = (waves?: Record<string, number>) => ({ name: 'shop', ...(waves ? { waves } : {}) }) as AppSpec;

test('a job wave comes from the config map, then the drover.wave meta, else 0', () => {
  const jobs = [desired('db', { 'drover.wave': '-1' }), desired('web', { 'drover.wave': '1' }), desired('cache')];
  assert.deepEqual(
    [...jobWaves(app({ web: 5 }), jobs)],
    [
      ['default/db', -1],
      ['default/web', 5],
      ['default/cache', 0],
    ],
  );
});

test('a drover.wave meta that is not an integer fails the render, naming the file', () => {
  assert.throws(() => jobWaves(app(), [desired('web', { 'drover.wave': 'first' })]), {
    message: /^apps\/shop\/web\.nomad\.hcl: job "web": meta "drover\.wave" = "first" is not an integer/,
  });
});

const job = (id: string, status: JobComparison['status']): JobComparison =>
  ({ id, namespace: 'default', status, ownership: 'owned', desired: desired(id) }) as JobComparison;
const comparison = (jobs: JobComparison[]) =>
  ({ status: 'OutOfSync', jobs, conditions: [] }) as unknown as ComparisonResult;
const health = (entries: Record<string, HealthCode>) =>
  new Map<string, HealthReading>(
    Object.entries(entries).map(([id, status]) => [`default/${id}`, { health: { status } }]),
  );
const waves = new Map([
  ['default/db', 0],
  ['default/web', 1],
  ['default/edge', 2],
]);

test('the first wave with writes goes; every later one waits', () => {
  const plan = planWaves(
    comparison([job('db', 'Missing'), job('web', 'Missing'), job('edge', 'Missing')]),
    waves,
    health({}),
  );
  assert.deepEqual([...plan.hold.keys()], ['default/web', 'default/edge']);
  assert.equal(plan.condition?.type, 'WaitingForWave');
  assert.match(
    plan.condition!.message,
    /^web, edge: waits for wave 0 to be synced and healthy \(db is not written yet\)$/,
  );
});

test('a written wave that is not healthy yet holds the next', () => {
  const plan = planWaves(
    comparison([job('db', 'Synced'), job('web', 'Missing'), job('edge', 'Missing')]),
    waves,
    health({ db: 'Progressing' }),
  );
  assert.deepEqual([...plan.hold.keys()], ['default/web', 'default/edge']);
  assert.match(plan.condition!.message, /db is Progressing/);
});

test('once a wave is healthy the next is written, and the one after waits for it', () => {
  const plan = planWaves(
    comparison([job('db', 'Synced'), job('web', 'OutOfSync'), job('edge', 'Missing')]),
    waves,
    health({ db: 'Healthy', web: 'Healthy' }),
  );
  assert.deepEqual([...plan.hold.keys()], ['default/edge']);
});

test('nothing waits when every wave is written and healthy, or the app has one wave', () => {
  const synced = comparison([job('db', 'Synced'), job('web', 'Synced'), job('edge', 'OutOfSync')]);
  assert.equal(planWaves(synced, waves, health({ db: 'Healthy', web: 'Healthy' })).hold.size, 0);
  const one = comparison([job('db', 'Missing'), job('web', 'Missing')]);
  assert.equal(planWaves(one, new Map(), health({})).hold.size, 0);
});

test('a job held back after a failed deployment is not counted as written: the next wave waits', () => {
  const plan = planWaves(
    comparison([job('db', 'OutOfSync'), job('web', 'Missing'), job('edge', 'Synced')]),
    waves,
    // Nomad rolled db back: healthy again, but not at git's version.
    health({ db: 'Healthy', edge: 'Healthy' }),
    new Map([['default/db', 'the deployment failed']]),
  );
  assert.deepEqual([...plan.hold.keys()], ['default/web']);
  assert.match(plan.condition!.message, /db is OutOfSync/);
});
