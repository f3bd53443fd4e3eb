import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { rawRequest, type RawResponse } from '../helpers/http.js';
import { Stack, serviceJob } from '../helpers/stack.js';

// The CLI from its sources (as `npm run dev` runs it), so a stale dist/ never answers for new code.
const CLI = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/dev.ts', import.meta.url))];

const USERS: Record<string, { email: string; groups: string[] }> = {
  alice: { email: 'alice@example.com', groups: ['team-web'] },
  root: { email: 'root@example.com', groups: ['platform-admins', 'everyone'] },
  mallory: { email: 'mallory@example.com', groups: ['strangers'] },
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** A real OpenID provider on loopback: a confidential client, PKCE, and accounts with email and groups. */
async function startProvider(redirectURI: string): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'drover', client_secret: 'test-client-secret', redirect_uris: [redirectURI] }],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    cookies: { keys: ['oidc-test-cookie-key'] },
    jwks: { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx, sub) =>
      USERS[sub]
        ? { accountId: sub, claims: () => ({ sub, name: sub, email: USERS[sub]!.email, groups: USERS[sub]!.groups }) }
        : undefined,
  });
  server.on('request', provider.callback());
  return { issuer, server };
}

/** A browser's cookie jar for two origins, kept by cookie name (enough for this flow). */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  async go(url: string, init: { method?: string; body?: string; type?: string } = {}): Promise<RawResponse> {
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await rawRequest(url, {
      method: init.method,
      body: init.body,
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.type ? { 'content-type': init.type } : {}) },
    });
    for (const line of [res.headers['set-cookie'] ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
      this.jar.set(origin, jar);
    }
    return res;
  }
  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }
}

/** Signs in at Drover as `login` through the provider's own login and consent pages; returns the last answer. */
async function signIn(
  browser: Browser,
  drover: string,
  login: string,
  start = `${drover}/api/v1/session/oidc`,
): Promise<RawResponse> {
  let res = await browser.go(start);
  assert.equal(res.status, 302);
  const auth = new URL(res.headers.location as string);
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  assert.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce'));
  let url = auth.href;
  for (let hop = 0; hop < 12; hop++) {
    res = await browser.go(url);
    if (url.startsWith(drover)) return res;
    if (res.status === 200 && /name="prompt" value="(login|consent)"/.test(res.body)) {
      const prompt = /name="prompt" value="(login|consent)"/.exec(res.body)![1]!;
      const form = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'x' } : {}) });
      res = await browser.go(url, { method: 'POST', body: form.toString(), type: 'application/x-www-form-urlencoded' });
    }
    assert.ok([302, 303].includes(res.status), `hop ${hop}: ${res.status} ${res.body.slice(0, 300)}`);
    url = new URL(res.headers.location as string, url).href;
  }
  throw new Error('the sign-in never came back to Drover');
}

describe('single sign-on through a real OpenID Connect provider', () => {
  let stack: Stack;
  let provider: { issuer: string; server: Server };
  let drover: string;
  before(async () => {
    const port = await freePort();
    drover = `http://127.0.0.1:${port}`;
    provider = await startProvider(`${drover}/api/v1/session/oidc/callback`);
    stack = await Stack.start(
      {
        apps: {
          'web-frontend': { repository: 'jobs', revision: 'main', path: 'web' },
          billing: { repository: 'jobs', revision: 'main', path: 'billing' },
        },
        config: {
          listen: `127.0.0.1:${port}`,
          external_url: drover,
          auth: {
            oidc: { issuer: provider.issuer, client_id: 'drover', client_secret_file: 'oidc-secret' },
            role_binding: [
              { group: 'team-web', role: 'operator', apps: ['web-*'] },
              { group: 'everyone', role: 'viewer' },
              { group: 'platform-admins', role: 'admin' },
            ],
          },
        },
      },
      (repo) => {
        writeFileSync(join(repo.path, '..', 'oidc-secret'), 'test-client-secret\n');
        repo.write('web/web.json', serviceJob('web')).write('billing/b.json', serviceJob('billing')).commit('jobs');
      },
    );
  });
  after(async () => {
    await stack?.stop();
    await new Promise((resolve) => provider?.server.close(resolve));
  });

  test('given a user in team-web, when signing in, then the session is an operator on web-* only, named by subject and email', async () => {
    const browser = new Browser();
    const back = await signIn(browser, drover, 'alice');
    assert.equal(back.status, 302, back.body);
    assert.equal(back.headers.location, '/');
    const cookie = [back.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('drover_session='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);

    const me = JSON.parse((await browser.go(`${drover}/api/v1/session`)).body);
    assert.deepEqual(me.principal, {
      kind: 'session',
      id: 'alice',
      name: 'alice',
      email: 'alice@example.com',
      role: 'operator',
      apps: ['web-*'],
    });
    const apps = JSON.parse((await browser.go(`${drover}/api/v1/apps`)).body).apps;
    assert.deepEqual(
      apps.map((a: { name: string }) => a.name),
      ['web-frontend'],
    );
    assert.equal((await browser.go(`${drover}/api/v1/apps/billing`)).status, 404);

    const { body } = await stack.api('/api/v1/audit?limit=1');
    assert.deepEqual(
      [body.entries[0].action, body.entries[0].target, body.entries[0].outcome, body.entries[0].actor],
      [
        'session.create',
        'oidc',
        'success',
        { kind: 'session', id: 'alice', name: 'alice', email: 'alice@example.com' },
      ],
    );
  });

  test('given a user in several groups, then the highest bound role wins', async () => {
    const browser = new Browser();
    assert.equal((await signIn(browser, drover, 'root')).status, 302);
    const me = JSON.parse((await browser.go(`${drover}/api/v1/session`)).body);
    assert.deepEqual([me.principal.role, me.principal.apps], ['admin', []]);
  });

  test('given a user in no bound group, then sign-in is refused and no session is set', async () => {
    const browser = new Browser();
    const back = await signIn(browser, drover, 'mallory');
    assert.equal(back.status, 403, back.body);
    assert.match(JSON.parse(back.body).error.message, /none of your groups has a role_binding/);
    assert.equal(browser.cookie(drover, 'drover_session'), undefined);
  });

  test('given drover login --sso, when the user signs in in a browser, then the CLI saves a token with their role', async () => {
    const xdg = join(stack.dir.path, 'sso-xdg');
    const child = spawn(process.execPath, [...CLI, 'login', '--server', drover, '--sso', '--no-browser'], {
      env: { ...process.env, XDG_CONFIG_HOME: xdg, NO_COLOR: '1', DROVER_ADDR: '', DROVER_TOKEN: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const printed = new Promise<string>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /Sign in in your browser: (\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let code: string | undefined;
    try {
      const start = await printed;
      assert.match(start, /cli_port=\d+&cli_state=[\w-]{16,}/);
      const back = await signIn(new Browser(), drover, 'alice', start);
      assert.equal(back.status, 302, back.body);
      const callback = new URL(back.headers.location as string);
      assert.equal(callback.hostname, '127.0.0.1', 'the code goes only to the CLI on loopback');
      code = callback.searchParams.get('code') ?? '';
      assert.equal(code.length, 32);
      assert.equal((await rawRequest(callback.href)).status, 200);
      assert.equal(await exited, 0, stderr);
    } finally {
      clearTimeout(timer);
      child.kill();
    }
    assert.match(stdout, /as login alice@example\.com \(\w+\), operator of apps web-\*/);
    const saved = JSON.parse(readFileSync(join(xdg, 'drover', 'config.json'), 'utf8'));
    const token = saved.contexts[saved.current].token as string;
    const apps = await rawRequest(`${drover}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(
      JSON.parse(apps.body).apps.map((a: { name: string }) => a.name),
      ['web-frontend'],
    );
    const replay = await rawRequest(`${drover}/api/v1/session/cli-token`, {
      method: 'POST',
      body: JSON.stringify({ code: code ?? '' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(replay.status, 401, 'a code works once');
  });

  test('given a callback this browser did not start (login CSRF), then it is refused', async () => {
    const res = await rawRequest(`${drover}/api/v1/session/oidc/callback?code=stolen&state=guess`);
    assert.equal(res.status, 401);
    assert.match(JSON.parse(res.body).error.message, /no sign-in in progress/);
  });
});
