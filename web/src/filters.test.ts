import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilters, readFilters, summarize, writeFilters } from './filters.ts';
import type { App } from './types.ts';

const app = (name: string, sync: string, health: string, namespace = 'default'): App =>
  ({
    name,
    source: { repoURL: 'https://github.com/acme/jobs', revision: 'main', path: `apps/${name}` },
    destination: { cluster: 'default', namespace },
    project: 'default',
    syncPolicy: { automated: true },
    ignoreDifferences: [],
    status: { sync: { status: sync }, health: { status: health }, jobs: [], conditions: [] },
  }) as unknown as App;

const apps = [
  app('web', 'Synced', 'Healthy'),
  { ...app('billing', 'OutOfSync', 'Healthy', 'pay'), project: 'payments' },
  { ...app('api', 'Synced', 'Degraded'), appSet: 'shop' },
];

test('filters round-trip through the URL, leaving defaults out', () => {
  const filters = readFilters(new URLSearchParams('sync=OutOfSync&q=bill&sort=health'));
  assert.equal(writeFilters(filters), '?sync=OutOfSync&q=bill&sort=health');
  assert.equal(writeFilters(readFilters(new URLSearchParams('sort=bogus'))), '');
});

test('filters narrow and sort orders the list; the summary counts every status', () => {
  const all = readFilters(new URLSearchParams());
  assert.deepEqual(
    applyFilters(apps, all).map((a) => a.name),
    ['api', 'billing', 'web'],
  );
  assert.deepEqual(
    applyFilters(apps, { ...all, sort: 'health' }).map((a) => a.name),
    ['api', 'billing', 'web'],
  );
  assert.deepEqual(
    applyFilters(apps, { ...all, project: 'payments' }).map((a) => a.name),
    ['billing'],
  );
  assert.deepEqual(
    applyFilters(apps, { ...all, appSet: 'shop' }).map((a) => a.name),
    ['api'],
  );
  assert.deepEqual(
    applyFilters(apps, { ...all, namespace: 'pay' }).map((a) => a.name),
    ['billing'],
  );
  assert.deepEqual(
    applyFilters(apps, { ...all, q: 'APPS/WE' }).map((a) => a.name),
    ['web'],
  );
  assert.deepEqual(summarize(apps), { sync: { Synced: 2, OutOfSync: 1 }, health: { Healthy: 2, Degraded: 1 } });
});
