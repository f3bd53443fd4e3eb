import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OidcLogin } from './oidc.js';

const login = new OidcLogin(
  { issuer: 'https://sso.example.com', clientId: 'drover', scopes: ['openid'], groupsClaim: 'roles' },
  [
    { group: 'everyone', role: 'viewer', apps: [] },
    { group: 'team-web', role: 'operator', apps: ['web-*'] },
    { group: 'team-api', role: 'operator', apps: ['api'] },
  ],
  { secure: true },
);

test('the highest bound role wins, on the union of that role’s scopes; a wider lower role is not mixed in', () => {
  const p = login.principalFor({ sub: 'u1', email: 'u1@example.com', roles: ['everyone', 'team-web', 'team-api'] });
  assert.deepEqual(p, { kind: 'session', id: 'u1', email: 'u1@example.com', role: 'operator', apps: ['web-*', 'api'] });
  assert.deepEqual(login.principalFor({ sub: 'u2', roles: 'everyone' }).apps, [], 'a single group as a string');
});

test('a user with no bound group, or no groups claim, is refused', () => {
  assert.throws(() => login.principalFor({ sub: 'u3', roles: ['strangers'] }), /none of your groups/);
  assert.throws(() => login.principalFor({ sub: 'u4', groups: ['everyone'] }), /none of your groups/);
});

test('a role binding can name projects: the session sees those projects’ apps besides its app globs', () => {
  const teams = new OidcLogin(
    { issuer: 'https://sso.example.com', clientId: 'drover', scopes: ['openid'], groupsClaim: 'roles' },
    [
      { group: 'team-a', role: 'operator', apps: [], projects: ['team-a'] },
      { group: 'web', role: 'operator', apps: ['web'] },
    ],
    { secure: true },
  );
  const p = teams.principalFor({ sub: 'u5', roles: ['team-a', 'web'] });
  assert.deepEqual([p.apps, p.projects], [['web'], ['team-a']]);
});
