import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent } from './connect/client.js';
import { resolveConnection } from './connect/connection.js';
import { table } from './output/table.js';
import { planNotes } from './app/plan-notes.js';

test('a table fits the terminal by cutting its last columns, and keeps every character when piped', () => {
  const rows = [['web', 'Synced', 'a very long message that does not fit in a narrow terminal at all']];
  const piped = table(['NAME', 'SYNC', 'MESSAGE'], rows);
  assert.ok(piped.includes('narrow terminal at all'));
  const narrow = table(['NAME', 'SYNC', 'MESSAGE'], rows, 40);
  for (const line of narrow.trimEnd().split('\n')) assert.ok(line.length <= 40, line);
  assert.match(narrow, /…\n$/);
});

test('flags win over DROVER_ADDR and DROVER_TOKEN, which win over the current context', () => {
  const config = {
    current: 'prod',
    contexts: { prod: { server: 'https://drover.prod:8443', token: 'drv_prod' }, dev: { server: 'http://dev:8080' } },
  };
  assert.deepEqual(resolveConnection({}, {}, config), {
    server: 'https://drover.prod:8443',
    token: 'drv_prod',
    ca: undefined,
    insecureSkipVerify: false,
  });
  const env = { DROVER_ADDR: 'dev:8080', DROVER_TOKEN: 'drv_env' };
  assert.equal(resolveConnection({}, env, config).server, 'http://dev:8080');
  assert.equal(resolveConnection({}, env, config).token, 'drv_env');
  // A server named explicitly takes the token saved for that server.
  assert.equal(resolveConnection({ server: 'https://drover.prod:8443/' }, {}, config).token, 'drv_prod');
  assert.equal(resolveConnection({ token: 'drv_flag' }, env, config).token, 'drv_flag');
  assert.throws(() => resolveConnection({}, {}, { contexts: {} }), /no server: pass --server URL/);
  assert.throws(() => resolveConnection({ context: 'nope' }, {}, config), /no context named "nope"/);
  assert.throws(() => resolveConnection({ server: 'ftp://x' }, {}, config), /only http:\/\/ and https:\/\//);
});

test('server-sent event blocks parse into id, event and JSON data; comments are heartbeats', () => {
  assert.deepEqual(parseEvent('id: 7\nevent: app.status\ndata: {"app":"web"}'), {
    id: '7',
    event: 'app.status',
    data: { app: 'web' },
  });
  assert.equal(parseEvent(': heartbeat'), undefined);
  assert.deepEqual(parseEvent('data: line one\ndata: line two'), { event: 'message', data: 'line one\nline two' });
});

test("Nomad's plan becomes the words of nomad job plan", () => {
  const plan = { diffType: 'Edited', updates: { web: { DestructiveUpdate: 2, Place: 1, Canary: 1 } } };
  assert.deepEqual(planNotes({ id: 'w', namespace: 'default', action: 'update', plan }), [
    'forces destroy (2 replaced)',
    '+1 allocs',
    '1 canary',
  ]);
  const inPlace = { diffType: 'Edited', updates: { web: { InPlaceUpdate: 3 } } };
  assert.deepEqual(planNotes({ id: 'w', namespace: 'default', action: 'update', plan: inPlace }), ['in-place (3)']);
  assert.deepEqual(planNotes({ id: 'w', namespace: 'default', action: 'prune' }), ['forces stop (pruned)']);
});
