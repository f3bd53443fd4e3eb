import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { startDrover } from '../../src/main.js';
import { startSim } from '../../sim/server.js';
import { rawRequest } from '../helpers/http.js';
import { tempDir } from '../helpers/git.js';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('browser sessions, CSRF, Host and Origin checks, and the audit', () => {
  let stack: Stack;
  let operator: { id: string; secret: string };
  before(async () => {
    stack = await Stack.start(
      { apps: { web: { repository: 'jobs', revision: 'main', path: 'web', sync: { automated: false } } } },
      (repo) => repo.write('web/web.json', serviceJob('web')).commit('web'),
    );
    const { body } = await stack.api('/api/v1/tokens', { json: { role: 'operator', name: 'ci-deploy' } });
    operator = { id: body.token.id, secret: body.secret };
  });
  after(() => stack.stop());

  const signIn = async (token: string) => {
    const res = await fetch(`${stack.drover.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { res, body: (await res.json()) as { csrfToken: string; principal: { id: string; role: string } } };
  };

  test('given a token, when signing in, then a Strict HttpOnly session cookie works and writes need its CSRF token', async () => {
    const { res, body } = await signIn(operator.secret);
    assert.equal(res.status, 201);
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /^drover_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/, 'no TLS here, so not Secure');
    assert.doesNotMatch(cookie, new RegExp(operator.secret), 'the cookie is a session ID, not the token');
    assert.deepEqual([body.principal.id, body.principal.role], [operator.id, 'operator']);
    const session = cookie.split(';')[0]!;

    const me = await stack.api('/api/v1/session', { headers: { cookie: session, authorization: '' } });
    assert.equal(me.body.principal.name, 'ci-deploy');
    assert.equal(me.body.csrfToken, body.csrfToken);

    const refresh = (headers: Record<string, string>) =>
      stack.api('/api/v1/apps/web/refresh', {
        method: 'POST',
        headers: { cookie: session, authorization: '', ...headers },
      });
    const noCsrf = await refresh({});
    assert.deepEqual([noCsrf.status, noCsrf.body.error.code], [403, 'DROVER_ERR_CSRF']);
    const wrongCsrf = await refresh({ 'x-csrf-token': 'x'.repeat(43) });
    assert.equal(wrongCsrf.status, 403);
    const ok = await refresh({ 'x-csrf-token': body.csrfToken });
    assert.equal(ok.status, 200);

    const out = await stack.api('/api/v1/session', {
      method: 'DELETE',
      headers: { cookie: session, authorization: '', 'x-csrf-token': body.csrfToken },
    });
    assert.equal(out.status, 204);
    const after = await stack.api('/api/v1/apps', { headers: { cookie: session, authorization: '' } });
    assert.equal(after.status, 401, 'a signed-out session is gone on the server, not just in the browser');
  });

  test('given a session signed in with a token, when the token is revoked, then the session ends at once', async () => {
    const { body: created } = await stack.api('/api/v1/tokens', { json: { role: 'viewer', name: 'short-lived' } });
    const { res } = await signIn(created.secret);
    const session = res.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await stack.api('/api/v1/apps', { headers: { cookie: session, authorization: '' } })).status, 200);
    assert.equal((await stack.api(`/api/v1/tokens/${created.token.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await stack.api('/api/v1/apps', { headers: { cookie: session, authorization: '' } })).status, 401);
    assert.equal((await signIn('drv_000000000000_' + 'A'.repeat(43))).res.status, 401);
  });

  test('given a forged Host (DNS rebinding) or a foreign Origin, then the request is refused before anything runs', async () => {
    const url = `${stack.drover.url}/api/v1/apps`;
    const auth = { authorization: `Bearer ${stack.adminToken}` };
    const rebound = await rawRequest(url, { headers: { ...auth, host: 'attacker.example:8080' } });
    assert.equal(rebound.status, 403);
    assert.equal(JSON.parse(rebound.body).error.code, 'DROVER_ERR_ORIGIN');
    assert.doesNotMatch(rebound.body, /"web"/, 'no app data');
    const probe = await rawRequest(`${stack.drover.url}/healthz`, { headers: { host: '10.9.8.7:28080' } });
    assert.equal(probe.status, 200, 'a probe through a mapped port is answered');
    const port = new URL(stack.drover.url).port;
    assert.equal((await rawRequest(url, { headers: { ...auth, host: `localhost:${port}` } })).status, 200);

    const before = (await stack.api('/api/v1/apps/web/history')).body.history.length;
    // What a form or fetch from another web page sends: a simple text/plain POST.
    const crossSite = await rawRequest(`${stack.drover.url}/api/v1/apps/web/sync`, {
      method: 'POST',
      headers: { ...auth, origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(crossSite.status, 403);
    assert.equal(JSON.parse(crossSite.body).error.code, 'DROVER_ERR_ORIGIN');
    assert.equal((await stack.api('/api/v1/apps/web/history')).body.history.length, before, 'no sync ran');
    const sameOrigin = await rawRequest(`${stack.drover.url}/api/v1/apps`, {
      headers: { ...auth, origin: stack.drover.url },
    });
    assert.equal(sameOrigin.status, 200);
  });

  test('given writes by several callers, then the audit names who, what, which app, from where and the outcome', async () => {
    const synced = await stack.api('/api/v1/apps/web/sync', {
      json: {},
      headers: { authorization: `Bearer ${operator.secret}` },
    });
    assert.equal(synced.status, 200);
    assert.equal(synced.body.run.requestedBy, `token ${operator.id} (ci-deploy)`, 'the sync run names who asked');
    const history = (await stack.api('/api/v1/apps/web/history')).body.history;
    assert.equal(history[0].requestedBy, `token ${operator.id} (ci-deploy)`);

    const { body: viewer } = await stack.api('/api/v1/tokens', { json: { role: 'viewer', name: 'dashboards' } });
    const denied = await stack.api('/api/v1/apps/web/rollback', {
      json: { id: history[0].id },
      headers: { authorization: `Bearer ${viewer.secret}` },
    });
    assert.equal(denied.status, 403);

    const { body } = await stack.api('/api/v1/audit?limit=10');
    const [rollback, created, sync] = body.entries;
    assert.deepEqual(
      { ...sync, id: undefined, at: undefined },
      {
        id: undefined,
        at: undefined,
        actor: { kind: 'token', id: operator.id, name: 'ci-deploy' },
        action: 'app.sync',
        app: 'web',
        address: '127.0.0.1',
        outcome: 'success',
        status: 200,
      },
    );
    assert.equal(created.action, 'token.create');
    assert.equal(created.actor.name, 'test-stack');
    assert.deepEqual(
      [rollback.action, rollback.app, rollback.outcome, rollback.status, rollback.actor.id],
      ['app.rollback', 'web', 'denied', 403, viewer.token.id],
    );
    assert.ok(!JSON.stringify(body).includes(viewer.secret), 'no secret in the audit');
    assert.equal((await stack.api('/api/v1/audit?app=web&limit=1')).body.entries[0].action, 'app.rollback');
    const mine = (await stack.api(`/api/v1/audit?actor=${operator.id}`)).body.entries;
    assert.deepEqual(
      mine.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`),
      [
        'app.sync success',
        'session.delete success',
        'app.refresh success',
        'app.refresh denied',
        'app.refresh denied',
        'session.create success',
      ],
      "the operator's actions, newest first, the ones refused for a missing CSRF token included",
    );
    assert.equal(
      (await stack.api('/api/v1/audit', { headers: { authorization: `Bearer ${operator.secret}` } })).status,
      403,
      'only admins read the audit',
    );
  });
});

describe('auth turned off', () => {
  test('given auth.disabled beyond loopback, then the config is refused, naming the key', () => {
    assert.throws(
      () => parseConfig('{"listen": "0.0.0.0:8080", "auth": {"disabled": true}}', 'drover.json', { env: {} }),
      /drover\.json:\d+:\d+: auth\.disabled: allowed only on a loopback listener/,
    );
  });

  test('given --insecure-no-auth (auth turned off after loading) on a wildcard listener, then Drover does not start', async () => {
    const dir = tempDir('drover-noauth-');
    const loaded = parseConfig(
      JSON.stringify({ listen: '0.0.0.0:0', data_dir: join(dir.path, 'data') }),
      join(dir.path, 'd.json'),
      {
        env: {},
      },
    );
    const config = { ...loaded, auth: { ...loaded.auth, disabled: true } };
    await assert.rejects(
      startDrover(config, pino({ level: 'silent' })),
      /only on a loopback listener, not on "0\.0\.0\.0"/,
    );
    dir.cleanup();
  });

  test('given auth.disabled on loopback, then requests need no token and each write is logged as a warning', async () => {
    const dir = tempDir('drover-noauth-');
    const sim = await startSim({ port: 0 });
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }),
    );
    const config = parseConfig(
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        cluster: { default: { address: sim.url } },
        auth: { disabled: true },
      }),
      join(dir.path, 'drover.json'),
      { env: {} },
    );
    const drover = await startDrover(config, logger);
    try {
      assert.ok(lines.some((l) => /auth is disabled: anyone who can reach this port is an admin/.test(l)));
      const read = await fetch(`${drover.url}/api/v1/apps`);
      assert.equal(read.status, 200);
      const write = await fetch(`${drover.url}/api/v1/tokens`, {
        method: 'POST',
        body: JSON.stringify({ role: 'viewer' }),
      });
      assert.equal(write.status, 201);
      assert.ok(lines.some((l) => /unauthenticated write/.test(l) && /\/api\/v1\/tokens/.test(l)));
      const me = (await (await fetch(`${drover.url}/api/v1/session`)).json()) as { principal: { kind: string } };
      assert.equal(me.principal.kind, 'anonymous');
    } finally {
      await drover.stop();
      await sim.close();
      dir.cleanup();
    }
  });
});
