import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../store/db.js';
import { listTokens } from '../../store/tokens.js';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from './tokens.js';
import { inScope } from './principal.js';

test('a token is drv_, an ID and 32 random bytes; only its SHA-256 is stored', () => {
  const db = openDatabase(':memory:');
  const { token, secret } = createApiToken(db, { role: 'operator', apps: ['web-*'], name: 'ci' });
  assert.match(secret, /^drv_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  assert.ok(secret.includes(token.id));
  const [stored] = listTokens(db);
  assert.match(stored!.secretHash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(db.prepare('SELECT * FROM api_tokens').all()).includes(secret.slice(17)));
  const check = verifyApiToken(db, secret);
  assert.ok('principal' in check);
  assert.deepEqual(check.principal, { kind: 'token', id: token.id, name: 'ci', role: 'operator', apps: ['web-*'] });
  assert.notEqual(createApiToken(db, { role: 'viewer' }).secret, secret);
});

test('a wrong, malformed, expired or revoked secret gives no principal, saying why', () => {
  const db = openDatabase(':memory:');
  const { token, secret } = createApiToken(db, { role: 'admin' });
  for (const bad of [secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), 'drv_x', '', secret + 'x']) {
    assert.deepEqual(verifyApiToken(db, bad), { refused: 'the token is not valid' });
  }
  const old = createApiToken(db, { role: 'admin', expiresInMs: 60_000 }, new Date(Date.now() - 120_000));
  assert.deepEqual(verifyApiToken(db, old.secret), { refused: `token ${old.token.id} has expired` });
  revokeApiToken(db, token.id);
  assert.deepEqual(verifyApiToken(db, secret), { refused: `token ${token.id} was revoked` });
  assert.throws(() => revokeApiToken(db, token.id), /already revoked/);
  assert.throws(() => revokeApiToken(db, 'nope'), /no token with ID "nope"/);
  assert.deepEqual(
    listApiTokens(db)
      .map((t) => t.status)
      .sort(),
    ['expired', 'revoked'],
  );
});

test('a token can be scoped to projects: it sees their apps besides the apps its globs name', () => {
  const db = openDatabase(':memory:');
  const { token, secret } = createApiToken(db, { role: 'viewer', apps: ['web'], projects: ['team-a'] });
  assert.deepEqual([token.apps, token.projects], [['web'], ['team-a']]);
  const check = verifyApiToken(db, secret);
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
  assert.deepEqual(listApiTokens(db)[0]?.projects, ['team-a']);
  assert.throws(
    () => createApiToken(db, { role: 'viewer', apps: ['project:x'] }),
    /apps: "project:x": an app glob has no ":"/,
  );
  assert.throws(
    () => createApiToken(db, { role: 'viewer', projects: ['a b'] }),
    /projects: "a b" is not a project name/,
  );
});
