import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../store/sqlite/adapter.js';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from './tokens.js';
import { inScope } from './principal.js';

test('a token is drv_, an ID and 32 random bytes; only its SHA-256 is stored', async () => {
  const store = SqliteStore.open(':memory:');
  const { token, secret } = await createApiToken(store, { role: 'operator', apps: ['web-*'], name: 'ci' });
  assert.match(secret, /^drv_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  assert.ok(secret.includes(token.id));
  const [stored] = await store.listTokens();
  assert.match(stored!.secretHash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM api_tokens').all()).includes(secret.slice(17)));
  const check = await verifyApiToken(store, secret);
  assert.ok('principal' in check);
  assert.deepEqual(check.principal, { kind: 'token', id: token.id, name: 'ci', role: 'operator', apps: ['web-*'] });
  assert.notEqual((await createApiToken(store, { role: 'viewer' })).secret, secret);
});

test('a wrong, malformed, expired or revoked secret gives no principal, saying why', async () => {
  const store = SqliteStore.open(':memory:');
  const { token, secret } = await createApiToken(store, { role: 'admin' });
  for (const bad of [secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), 'drv_x', '', secret + 'x']) {
    assert.deepEqual(await verifyApiToken(store, bad), { refused: 'the token is not valid' });
  }
  const old = await createApiToken(store, { role: 'admin', expiresInMs: 60_000 }, new Date(Date.now() - 120_000));
  assert.deepEqual(await verifyApiToken(store, old.secret), { refused: `token ${old.token.id} has expired` });
  await revokeApiToken(store, token.id);
  assert.deepEqual(await verifyApiToken(store, secret), { refused: `token ${token.id} was revoked` });
  await assert.rejects(() => revokeApiToken(store, token.id), /already revoked/);
  await assert.rejects(() => revokeApiToken(store, 'nope'), /no token with ID "nope"/);
  assert.deepEqual((await listApiTokens(store)).map((t) => t.status).sort(), ['expired', 'revoked']);
});

test('a token can be scoped to projects: it sees their apps besides the apps its globs name', async () => {
  const store = SqliteStore.open(':memory:');
  const { token, secret } = await createApiToken(store, { role: 'viewer', apps: ['web'], projects: ['team-a'] });
  assert.deepEqual([token.apps, token.projects], [['web'], ['team-a']]);
  const check = await verifyApiToken(store, secret);
  assert.ok('principal' in check);
  assert.deepEqual(
    [
      inScope(check.principal, 'web', 'default'),
      inScope(check.principal, 'billing', 'team-a'),
      inScope(check.principal, 'billing', 'team-b'),
      inScope(check.principal, 'gone', undefined),
    ],
    [true, true, false, false],
  );
  assert.deepEqual((await listApiTokens(store))[0]?.projects, ['team-a']);
  await assert.rejects(
    () => createApiToken(store, { role: 'viewer', apps: ['project:x'] }),
    /apps: "project:x": an app glob has no ":"/,
  );
  await assert.rejects(
    () => createApiToken(store, { role: 'viewer', projects: ['a b'] }),
    /projects: "a b" is not a project name/,
  );
});
