import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo, git, tempDir } from '../../test/helpers/git.js';
import {
  generateSSHKey,
  startGitDaemon,
  startGitHTTP,
  startGitSSH,
  type GitDaemon,
  type GitHTTPServer,
  type GitSSHServer,
} from '../../test/helpers/git-servers/index.js';
import { MirrorSet } from './mirror.js';

const TOKEN = 'tok-3f9a77c1e5';
const PASSWORD = 'pw-b81d40e2aa';

describe('mirrors against real git servers on 127.0.0.1', () => {
  const dir = tempDir();
  const root = join(dir.path, 'srv');
  const work = new TestRepo(join(dir.path, 'work'));
  const clientKey = generateSSHKey();
  let head: string;
  let daemon: GitDaemon;
  let http: GitHTTPServer;
  let httpUser: GitHTTPServer;
  let ssh: GitSSHServer;
  let n = 0;
  const mirrors = (repos: ConstructorParameters<typeof MirrorSet>[1] = []) =>
    new MirrorSet(join(dir.path, `mirrors-${n++}`), repos);
  const secretFile = (name: string, value: string) => {
    writeFileSync(join(dir.path, name), `${value}\n`, { mode: 0o600 });
    return join(dir.path, name);
  };

  before(async () => {
    head = work.write('apps/web/web.json', '{"ID":"web"}').commit('first');
    mkdirSync(join(root, 'org'), { recursive: true });
    git(dir.path, 'clone', '--quiet', '--bare', work.path, join(root, 'org/jobs.git'));
    daemon = await startGitDaemon(root);
    http = await startGitHTTP(root, { username: 'git', password: TOKEN });
    httpUser = await startGitHTTP(root, { username: 'deploy', password: PASSWORD });
    ssh = await startGitSSH(root, clientKey.publicKey);
  });

  after(async () => {
    await Promise.all([daemon?.stop(), http?.stop(), httpUser?.stop(), ssh?.stop()]);
    dir.cleanup();
  });

  test('git:// through git daemon, with and without .git', async () => {
    for (const url of [daemon.url('org/jobs.git'), daemon.url('org/jobs')]) {
      const mirror = mirrors().get(url);
      await mirror.fetch();
      assert.equal(await mirror.resolve('main'), head, url);
      assert.equal(
        (await mirror.snapshot(head, 'apps/web')).files.get('apps/web/web.json')!.toString(),
        '{"ID":"web"}',
      );
    }
  });

  test('file:// and local paths', async () => {
    for (const url of [`file://${join(root, 'org/jobs.git')}`, join(root, 'org/jobs.git')]) {
      const mirror = mirrors().get(url);
      await mirror.fetch();
      assert.equal(await mirror.resolve('HEAD'), head, url);
    }
  });

  test('HTTPS token from a file, user and password from the environment', async () => {
    const url = http.url('org/jobs.git');
    const byToken = mirrors([{ url, credentials: { password: { file: secretFile('token', TOKEN) } } }]).get(url);
    await byToken.fetch();
    assert.equal(await byToken.resolve('main'), head);
    assert.ok(
      http.requests.some((r) => r.user === 'git' && r.status === 200),
      'a token authenticates as user "git" by default',
    );

    process.env.DROVER_TEST_GIT_PASSWORD = PASSWORD;
    const userURL = httpUser.url('org/jobs');
    const byPassword = mirrors([
      { url: userURL, credentials: { username: 'deploy', password: { env: 'DROVER_TEST_GIT_PASSWORD' } } },
    ]).get(userURL);
    await byPassword.fetch();
    assert.equal(await byPassword.resolve('main'), head);
    delete process.env.DROVER_TEST_GIT_PASSWORD;
  });

  test('a wrong or missing HTTPS credential fails naming repository and command, and never shows a secret', async () => {
    const url = http.url('org/jobs.git');
    const wrongSecret = 'wrong-5c2e9d0f7b';
    const wrong = mirrors([{ url, credentials: { password: { file: secretFile('wrong', wrongSecret) } } }]).get(url);
    await assert.rejects(wrong.fetch(), (error: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(error.code, 'DROVER_ERR_GIT');
      assert.match(
        error.message,
        new RegExp(`^git ls-remote for ${url.replace(/[.]/g, '\\.')} failed: .*Authentication failed`, 's'),
      );
      assert.ok(!JSON.stringify({ m: error.message, d: error.details, s: error.stack }).includes(wrongSecret));
      return true;
    });
    await assert.rejects(
      mirrors().get(url).fetch(),
      /git ls-remote for .* failed: .*(could not read Username|terminal prompts disabled)/s,
    );
    await assert.rejects(
      mirrors([{ url, credentials: { password: { env: 'DROVER_TEST_UNSET_VARIABLE' } } }])
        .get(url)
        .fetch(),
      /credentials for http:\/\/127\.0\.0\.1:\d+\/org\/jobs\.git: environment variable DROVER_TEST_UNSET_VARIABLE is not set/,
    );
  });

  test('an unchanged repository costs one ls-remote round trip, and fetches asked for while one runs share one more', async () => {
    const url = http.url('org/jobs.git');
    const mirror = mirrors([
      { url, credentials: { password: { file: secretFile('token2', TOKEN) } }, revisions: ['main'] },
    ]).get(url);
    await mirror.fetch();
    const before = http.requests.length;
    const results = await Promise.all([mirror.fetch(), mirror.fetch(), mirror.fetch()]);
    assert.deepEqual(results, [false, false, false]);
    const made = http.requests.slice(before).filter((r) => r.status !== 401);
    // The first call asks the remote; the two arriving meanwhile share a single follow-up, since the
    // running one may have listed refs before their commit landed.
    assert.equal(
      made.filter((r) => r.method === 'GET' && r.path.endsWith('/info/refs')).length,
      2,
      'two ref advertisements for three calls',
    );
    assert.ok(
      made.some((r) => r.body.includes('command=ls-refs')),
      'protocol v2 ref listing',
    );
    assert.ok(!made.some((r) => r.body.includes('command=fetch')), 'no fetch when nothing changed');

    git(work.path, 'commit', '--quiet', '--allow-empty', '-m', 'second');
    git(work.path, 'push', '--quiet', join(root, 'org/jobs.git'), 'main');
    const after = http.requests.length;
    assert.equal(await mirror.fetch(), true);
    assert.ok(
      http.requests.slice(after).some((r) => r.body.includes('command=fetch')),
      'a change is fetched',
    );
    assert.equal(await mirror.resolve('main'), git(work.path, 'rev-parse', 'HEAD'));
    head = git(work.path, 'rev-parse', 'HEAD');
  });

  test('SSH with a private key and a strict known_hosts file', async () => {
    const keyFile = join(dir.path, 'id_ed25519');
    writeFileSync(keyFile, clientKey.privateKey);
    chmodSync(keyFile, 0o600);
    const knownHosts = secretFile('known_hosts', ssh.knownHostsLine.trim());
    const url = ssh.url('org/jobs.git');
    const mirror = mirrors([{ url, credentials: { sshKeyFile: keyFile, knownHostsFile: knownHosts } }]).get(url);
    await mirror.fetch();
    assert.equal(await mirror.resolve('main'), head);
    assert.ok(ssh.commands.some((c) => c === "git-upload-pack '/org/jobs.git'"));

    const scp = `[git@127.0.0.1:${ssh.port}]:org/jobs`;
    const set = mirrors([{ url: scp, credentials: { sshKeyFile: keyFile, knownHostsFile: knownHosts } }]);
    assert.equal(set.get(ssh.url('org/jobs.git')), set.get(scp), 'scp-like and ssh:// spellings share one mirror');
    await set.get(scp).fetch();
    assert.equal(await set.get(scp).resolve('main'), head);
    assert.ok(
      ssh.commands.some((c) => c === "git-upload-pack 'org/jobs'"),
      'the scp-like form reached the server',
    );

    const strangerHost = secretFile(
      'known_hosts_other',
      `[127.0.0.1]:${ssh.port} ${generateSSHKey().publicKey.split(' ').slice(0, 2).join(' ')}`,
    );
    await assert.rejects(
      mirrors([{ url, credentials: { sshKeyFile: keyFile, knownHostsFile: strangerHost } }])
        .get(url)
        .fetch(),
      /git ls-remote for ssh:\/\/127\.0\.0\.1:\d+\/org\/jobs\.git failed: .*(Host key verification failed|HOST IDENTIFICATION HAS CHANGED)/s,
    );
    const otherKey = join(dir.path, 'id_other');
    writeFileSync(otherKey, generateSSHKey().privateKey, { mode: 0o600 });
    await assert.rejects(
      mirrors([{ url, credentials: { sshKeyFile: otherKey, knownHostsFile: knownHosts } }])
        .get(url)
        .fetch(),
      /git ls-remote for .* failed: .*Permission denied/s,
    );
  });

  test('one mirror serves every spelling of a repository', () => {
    const set = mirrors();
    const mirror = set.get('https://git.example.com/org/jobs');
    for (const url of [
      'https://git.example.com/org/jobs.git',
      'git@git.example.com:org/jobs',
      'ssh://git@git.example.com/org/jobs',
    ]) {
      assert.equal(set.get(url), mirror, url);
    }
  });
});
