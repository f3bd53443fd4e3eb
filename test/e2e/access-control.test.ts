import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pino from 'pino';
import type { Controller } from '../../src/reconcile/controller.js';
import { createApi } from '../../src/server/api.js';
import { OriginGuard } from '../../src/server/auth/origin.js';
import { createApiToken, revokeApiToken } from '../../src/server/auth/tokens.js';
import { SqliteStore } from '../../src/store/sqlite/adapter.js';
import { Stack, serviceJob } from '../helpers/stack.js';

type Need = 'viewer' | 'operator' | 'admin';
/** Every authenticated route, the role it needs, and whether it names an app (scope applies). */
const ROUTES: Array<{ method: string; path: string; need: Need; app?: boolean; json?: unknown }> = [
  { method: 'GET', path: '/api/v1/apps', need: 'viewer' },
  { method: 'GET', path: '/api/v1/leader', need: 'viewer' },
  { method: 'GET', path: '/api/v1/apps/web', need: 'viewer', app: true },
  { method: 'GET', path: '/api/v1/apps/web/history', need: 'viewer', app: true },
  { method: 'GET', path: '/api/v1/apps/web/history/1', need: 'viewer', app: true },
  { method: 'GET', path: '/api/v1/apps/web/diff', need: 'viewer', app: true },
  { method: 'GET', path: '/api/v1/apps/web/resources', need: 'viewer', app: true },
  {
    method: 'POST',
    path: '/api/v1/apps/web/diff',
    need: 'viewer',
    app: true,
    json: { files: [{ path: 'web.json', content: '{}' }] },
  },
  { method: 'GET', path: '/api/v1/version', need: 'viewer' },
  { method: 'GET', path: '/api/v1/leader', need: 'viewer' },
  { method: 'POST', path: '/api/v1/apps/web/refresh', need: 'operator', app: true },
  { method: 'POST', path: '/api/v1/apps/web/sync', need: 'operator', app: true, json: { dryRun: true } },
  { method: 'POST', path: '/api/v1/apps/web/rollback', need: 'operator', app: true, json: { id: 999999 } },
  { method: 'POST', path: '/api/v1/apps/web/unpin', need: 'operator', app: true },
  { method: 'GET', path: '/api/v1/tokens', need: 'admin' },
  { method: 'POST', path: '/api/v1/tokens', need: 'admin', json: { role: 'viewer', name: 'matrix' } },
  { method: 'DELETE', path: '/api/v1/tokens/000000000000', need: 'admin' },
  { method: 'GET', path: '/api/v1/audit', need: 'admin' },
  { method: 'GET', path: '/api/v1/session', need: 'viewer' },
  { method: 'DELETE', path: '/api/v1/session', need: 'viewer' },
  { method: 'GET', path: '/api/v1/clusters', need: 'viewer' },
  { method: 'GET', path: '/api/v1/repositories', need: 'viewer' },
  { method: 'GET', path: '/api/v1/appsets', need: 'viewer' },
  { method: 'GET', path: '/api/v1/sync-windows', need: 'viewer' },
];
/**
 * Routes that need no token: sign-in, the webhook (which checks its own signature), and the UI's
 * static files (the page must load to offer sign-in; it holds no data).
 */
const PUBLIC = [
  'POST /api/v1/session',
  'GET /api/v1/session/providers',
  'POST /api/v1/webhooks/git',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/v1/openapi.json',
  'GET /assets/*',
  'GET /*',
];

const LEVEL = { viewer: 0, operator: 1, admin: 2 } as const;

describe('access control: every route against every role', () => {
  let stack: Stack;
  const secrets: Record<string, string> = {};
  before(async () => {
    stack = await Stack.start({ apps: { web: { repository: 'jobs', revision: 'main', path: 'web' } } }, (repo) =>
      repo.write('web/web.json', serviceJob('web')).commit('web'),
    );
    await stack.refresh('web');
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const { status, body } = await stack.api('/api/v1/tokens', { json: { role, name: `matrix-${role}` } });
      assert.equal(status, 201);
      secrets[role] = body.secret;
    }
    // Scoped to other apps: `web` must not exist for it, even as an admin.
    secrets.scoped = (await stack.api('/api/v1/tokens', { json: { role: 'admin', apps: ['other-*'] } })).body.secret;
    const store = SqliteStore.open(join(stack.dir.path, 'data', 'drover.db'));
    const expired = await createApiToken(store, { role: 'admin', expiresInMs: 1000 }, new Date(Date.now() - 60_000));
    secrets.expired = expired.secret;
    const revoked = await createApiToken(store, { role: 'admin', name: 'to-revoke' });
    await revokeApiToken(store, revoked.token.id);
    secrets.revoked = revoked.secret;
    await store.close();
    secrets.forged = secrets.admin!.slice(0, -4) + 'AAAA';
  });
  after(() => stack.stop());

  const call = (route: (typeof ROUTES)[number], secret?: string) =>
    stack.api(route.path, {
      method: route.method,
      headers: secret === undefined ? { authorization: '' } : { authorization: `Bearer ${secret}` },
      ...(route.json !== undefined ? { json: route.json } : {}),
    });

  test('given the API, then every route it serves is in this matrix or is public', () => {
    const api = createApi({
      controller: {} as Controller,
      store: SqliteStore.open(':memory:'),
      logger: pino({ level: 'silent' }),
      webhooks: { maxBodyBytes: 1, repositories: [], apps: () => [], trigger: () => undefined, logger: pino() },
      nomadFor: () => {
        throw new Error('not called: only the route table is read');
      },
      auth: {
        config: { disabled: false, sessionTtlMs: 1000, roleBindings: [] },
        store: SqliteStore.open(':memory:'),
        guard: new OriginGuard('127.0.0.1', undefined),
        sessions: { ttlMs: 1000, secure: false },
        logger: pino({ level: 'silent' }),
      },
    });
    const served = new Set(api.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const pattern = (path: string) =>
      path
        .replace('/apps/web', '/apps/:name')
        .replace(/\/history\/1$/, '/history/:id')
        .replace(/\/tokens\/0+$/, '/tokens/:id');
    const known = new Set([...ROUTES.map((r) => `${r.method} ${pattern(r.path)}`), ...PUBLIC]);
    assert.deepEqual(
      [...served].filter((r) => !known.has(r)),
      [],
      'routes missing from the matrix',
    );
  });

  test('given no token, an expired, a revoked or a forged one, then every route answers 401 and does nothing', async () => {
    for (const who of [undefined, 'expired', 'revoked', 'forged']) {
      for (const route of ROUTES) {
        const { status, body } = await call(route, who && secrets[who]);
        assert.equal(status, 401, `${who ?? 'no token'}: ${route.method} ${route.path}`);
        assert.equal(body.error.code, 'DROVER_ERR_UNAUTHENTICATED');
      }
    }
    assert.match((await call(ROUTES[0]!, secrets.expired)).body.error.message, /expired/);
    assert.match((await call(ROUTES[0]!, secrets.revoked)).body.error.message, /revoked/);
    const revokedId = secrets.revoked!.slice(4, 16);
    const tried = (await stack.api(`/api/v1/audit?actor=${revokedId}`)).body.entries;
    assert.ok(tried.length > 0, 'writes with a revoked token are audited under its ID');
    assert.ok(tried.every((e: { outcome: string; actor: { kind: string } }) => e.outcome === 'denied'));
    assert.equal(tried[0].actor.kind, 'unauthenticated');
    const history = (await stack.api('/api/v1/apps/web/history')).body.history;
    assert.ok(
      history.every((run: { requestedBy?: string }) => !run.requestedBy),
      'no refused request started a sync run',
    );
  });

  test('given each role, then routes at or below it answer and routes above it answer 403', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      for (const route of ROUTES) {
        const { status, body } = await call(route, secrets[role]);
        const label = `${role}: ${route.method} ${route.path} -> ${status} ${JSON.stringify(body)}`;
        if (LEVEL[role] >= LEVEL[route.need]) assert.ok(![401, 403].includes(status) && status < 500, label);
        else {
          assert.equal(status, 403, label);
          assert.equal(body.error.code, 'DROVER_ERR_FORBIDDEN', label);
        }
      }
    }
  });

  test('given a token scoped to other apps, then web is missing from the list and its routes answer 404', async () => {
    for (const route of ROUTES.filter((r) => r.app)) {
      const { status, body } = await call(route, secrets.scoped);
      assert.equal(status, 404, `${route.method} ${route.path}`);
      assert.equal(body.error.message, 'no app named "web"', 'the same answer as for an app that does not exist');
    }
    assert.deepEqual((await call(ROUTES[0]!, secrets.scoped)).body.apps, []);
    assert.equal((await call(ROUTES[0]!, secrets.viewer)).body.apps[0].name, 'web');
    const tokens = await call({ method: 'GET', path: '/api/v1/tokens', need: 'admin' }, secrets.scoped);
    assert.equal(tokens.status, 403, 'a scoped admin cannot manage tokens (it could widen its own scope)');
  });
});
