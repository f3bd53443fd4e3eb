import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenderCache, type AppRenderResult } from './app-render.js';

const result = (id: string): AppRenderResult => ({
  renderer: 'local',
  issues: [],
  jobs: [{ id, namespace: 'default', file: `${id}.nomad.hcl`, job: { ID: id, TaskGroups: [{ Name: 'main' }] } }],
});

test('the render cache hands out copies, keeps the recently used, and is bounded by entries and by size', () => {
  const cache = new RenderCache(2, 10_000);
  cache.set('a', result('a'));
  const copy = cache.get('a')!;
  copy.jobs[0]!.job.ID = 'changed';
  assert.equal(cache.get('a')!.jobs[0]!.job.ID, 'a', 'a caller changing its copy does not change the cache');
  cache.set('b', result('b'));
  cache.get('a');
  cache.set('c', result('c'));
  assert.equal(cache.get('b'), undefined, 'the least recently used entry left');
  assert.deepEqual(cache.get('a'), result('a'));
  const small = new RenderCache(100, JSON.stringify(result('x')).length * 2);
  for (const id of ['x', 'y', 'z']) small.set(id, result(id));
  assert.equal(small.size, 2, 'the size bound holds as well as the count');
  assert.equal(small.get('x'), undefined);
});
