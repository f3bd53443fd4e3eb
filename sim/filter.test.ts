import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from './filter.js';

test('filter: ==, !=, in and not in over dotted and bracketed selectors, joined by and', () => {
  const job = { ID: 'web', Status: 'running', Meta: { 'drover.app': 'shop', team: 'a' }, Datacenters: ['dc1'] };
  assert.equal(compileFilter('Status == "running"')(job), true);
  assert.equal(compileFilter('Meta["drover.app"] == "shop" and ID != "api"')(job), true);
  assert.equal(compileFilter('Meta.team == "b"')(job), false);
  assert.equal(compileFilter('"dc1" in Datacenters')(job), true);
  assert.equal(compileFilter('"team" not in Meta')(job), false);
  assert.equal(compileFilter(undefined)(job), true);
  assert.throws(() => compileFilter('Status matches "r.*"'), /failed to read filter expression/);
});
