import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import pino from 'pino';
import type { DroverError } from '../../domain/errors.js';
import { tempDir } from '../../../test/helpers/git.js';
import { listen, type Listening } from '../listen.js';
import { gitWebhookHandler, type WebhookResult } from './git.js';

const SECRET_A = 'secret-a-0c1d2e';
const SECRET_B = 'secret-b-9f8e7d';
const A = {
  clone: 'https://git.example.com/org/a.git',
  ssh: 'git@git.example.com:org/a.git',
  web: 'https://git.example.com/org/a',
};
const B = {
  clone: 'https://git.example.com/org/b.git',
  ssh: 'git@git.example.com:org/b.git',
  web: 'https://git.example.com/org/b',
};
type Repo = typeof A;

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

/** A push delivery as each provider sends it: body and headers, signed with `secret`. */
const providers: Record<
  string,
  (repo: Repo, ref: string, secret: string) => { body: string; headers: Record<string, string> }
> = {
  github: (repo, ref, secret) => {
    const body = JSON.stringify({
      ref,
      repository: { clone_url: repo.clone, ssh_url: repo.ssh, html_url: repo.web, default_branch: 'main' },
    });
    return { body, headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(secret, body)}` } };
  },
  gitlab: (repo, ref, secret) => {
    const body = JSON.stringify({
      object_kind: 'push',
      ref,
      project: { git_http_url: repo.clone, git_ssh_url: repo.ssh, web_url: repo.web, default_branch: 'main' },
    });
    return { body, headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret } };
  },
  gitea: (repo, ref, secret) => {
    const body = JSON.stringify({
      ref,
      repository: { clone_url: repo.clone, ssh_url: repo.ssh, html_url: repo.web, default_branch: 'main' },
    });
    return {
      body,
      headers: { 'x-gitea-event': 'push', 'x-gitea-signature': hmac(secret, body), 'x-github-event': 'push' },
    };
  },
  'bitbucket-server': (repo, ref, secret) => {
    const body = JSON.stringify({
      eventKey: 'repo:refs_changed',
      changes: [{ ref: { id: ref, displayId: ref.split('/').pop(), type: 'BRANCH' }, type: 'UPDATE' }],
      repository: {
        links: {
          clone: [
            { href: repo.clone, name: 'http' },
            { href: repo.ssh, name: 'ssh' },
          ],
        },
      },
    });
    return { body, headers: { 'x-event-key': 'repo:refs_changed', 'x-hub-signature': `sha256=${hmac(secret, body)}` } };
  },
};

describe('POST /api/v1/webhooks/git', () => {
  const dir = tempDir();
  const triggered: string[] = [];
  let server: Listening;
  const post = async (body: string | ReadableStream, headers: Record<string, string>) => {
    const response = await fetch(`${server.url}/api/v1/webhooks/git`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      duplex: 'half',
    } as RequestInit);
    return {
      status: response.status,
      body: (await response.json()) as WebhookResult & { error?: { code: string; message: string } },
    };
  };

  before(async () => {
    writeFileSync(join(dir.path, 'a'), `${SECRET_A}\n`);
    process.env.DROVER_TEST_HOOK_B = SECRET_B;
    const api = new Hono();
    api.onError((error, c) =>
      c.json(
        { error: { code: (error as DroverError).code, message: error.message } },
        (error as DroverError).status as 401,
      ),
    );
    api.post(
      '/api/v1/webhooks/git',
      gitWebhookHandler({
        maxBodyBytes: 64 * 1024,
        repositories: [
          { url: A.ssh, webhookSecret: { file: join(dir.path, 'a') } },
          { url: 'ssh://git@git.example.com/org/b', webhookSecret: { env: 'DROVER_TEST_HOOK_B' } },
          { url: 'https://git.example.com/org/c' },
        ],
        apps: () => [
          { name: 'a-main', source: { repoURL: A.web, revision: 'main', path: '.' } },
          { name: 'a-dev', source: { repoURL: A.clone, revision: 'dev', path: '.' } },
          { name: 'a-head', source: { repoURL: A.ssh, revision: 'HEAD', path: '.' } },
          { name: 'a-tag', source: { repoURL: A.clone, revision: 'v1', path: '.' } },
          { name: 'b-main', source: { repoURL: B.clone, revision: 'main', path: '.' } },
        ],
        trigger: (name) => triggered.push(name),
        logger: pino({ level: 'silent' }),
      }),
    );
    server = await listen(api, '127.0.0.1', 0);
  });

  after(async () => {
    await server?.close();
    delete process.env.DROVER_TEST_HOOK_B;
    dir.cleanup();
  });

  for (const [provider, deliver] of Object.entries(providers)) {
    test(`${provider}: a valid push refreshes only the apps on that repository and branch`, async () => {
      triggered.length = 0;
      const { body, headers } = deliver(A, 'refs/heads/main', SECRET_A);
      const response = await post(body, headers);
      assert.equal(response.status, 202);
      assert.equal(response.body.provider, provider);
      assert.deepEqual(response.body.triggered, ['a-main', 'a-head']);
      assert.deepEqual(triggered, ['a-main', 'a-head']);

      const other = deliver(B, 'refs/heads/main', SECRET_B);
      assert.deepEqual((await post(other.body, other.headers)).body.triggered, ['b-main']);
    });

    test(`${provider}: a bad, missing or replayed signature is refused with 401 and refreshes nothing`, async () => {
      triggered.length = 0;
      const wrong = deliver(A, 'refs/heads/main', 'not-the-secret');
      const bad = await post(wrong.body, wrong.headers);
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error!.code, 'DROVER_ERR_WEBHOOK_SIGNATURE');

      const valid = deliver(A, 'refs/heads/main', SECRET_A);
      const proofHeader = Object.keys(valid.headers).find((h) => /signature|token/.test(h))!;
      const { [proofHeader]: _removed, ...unsigned } = valid.headers;
      assert.equal((await post(valid.body, unsigned)).status, 401);

      const replayedToB = valid.body.split(A.clone).join(B.clone).split(A.ssh).join(B.ssh).split(A.web).join(B.web);
      assert.equal((await post(replayedToB, valid.headers)).status, 401, "A's signature does not open B");
      const signedWithB = deliver(A, 'refs/heads/main', SECRET_B);
      assert.equal((await post(signedWithB.body, signedWithB.headers)).status, 401, "B's secret does not open A");
      assert.deepEqual(triggered, []);
    });
  }

  test('tags, other branches, pings and repositories Drover does not follow', async () => {
    triggered.length = 0;
    const tag = providers.github!(A, 'refs/tags/v1', SECRET_A);
    assert.deepEqual((await post(tag.body, tag.headers)).body.triggered, ['a-tag']);
    const dev = providers.gitlab!(A, 'refs/heads/dev', SECRET_A);
    assert.deepEqual((await post(dev.body, dev.headers)).body.triggered, ['a-dev']);
    const other = providers.github!(A, 'refs/heads/feature', SECRET_A);
    assert.deepEqual((await post(other.body, other.headers)).body.triggered, []);

    const pingBody = JSON.stringify({ zen: 'hi', repository: { clone_url: A.clone } });
    const ping = await post(pingBody, {
      'x-github-event': 'ping',
      'x-hub-signature-256': `sha256=${hmac(SECRET_A, pingBody)}`,
    });
    assert.equal(ping.status, 202);
    assert.deepEqual(ping.body.triggered, []);

    const unknown = providers.github!(
      { clone: 'https://elsewhere.test/x/y.git', ssh: 'git@elsewhere.test:x/y', web: 'https://elsewhere.test/x/y' },
      'refs/heads/main',
      SECRET_A,
    );
    assert.equal(
      (await post(unknown.body, unknown.headers)).status,
      202,
      'a signed push for an unfollowed repository is accepted and ignored',
    );
    const noSecret = providers.github!(
      { clone: 'https://git.example.com/org/c.git', ssh: '', web: '' },
      'refs/heads/main',
      'anything',
    );
    assert.equal(
      (await post(noSecret.body, noSecret.headers)).status,
      401,
      'a repository without a webhook secret accepts no webhooks',
    );
    assert.deepEqual(triggered, ['a-tag', 'a-dev']);
  });

  test("GitHub's form encoding is understood and the signature covers the raw body", async () => {
    triggered.length = 0;
    const json = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: A.clone, default_branch: 'main' } });
    const body = `payload=${encodeURIComponent(json)}`;
    const response = await post(body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${hmac(SECRET_A, body)}`,
    });
    assert.deepEqual(response.body.triggered, ['a-main', 'a-head']);
  });

  test('bodies over the limit get 413: a declared length before any byte is read, a chunked body as soon as it passes', async () => {
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/api/v1/webhooks/git`,
        { method: 'POST', headers: { 'content-length': String(30 * 1024 * 1024), 'x-github-event': 'push' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write('{"ref":'); // the rest never comes: the answer must not wait for it
    });
    assert.equal(declared, 413);

    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const chunked = await post(stream, { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.body.error!.code, 'DROVER_ERR_PAYLOAD_TOO_LARGE');
    assert.match(chunked.body.error!.message, /larger than the limit of 65536 bytes/);
  });

  test('requests from no known provider, or with a body that is not JSON, are refused', async () => {
    assert.equal((await post('{}', {})).status, 401);
    const response = await post('not json', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET_A });
    assert.equal(response.status, 400);
    assert.equal(response.body.error!.code, 'DROVER_ERR_WEBHOOK_PAYLOAD');
  });
});
