import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo, git, tempDir } from '../helpers/git.js';
import { startGitHTTP, type GitHTTPServer } from '../helpers/git-servers/index.js';
import { getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';

const TOKEN = 'e2e-token-6d41c0a9';
const HOOK_SECRET = 'e2e-hook-secret-27be51';

type App = {
  name: string;
  status: { sync: { status: string; revision?: string }; conditions: Array<{ type: string; message: string }> };
};

function webJob(count: number) {
  return {
    Job: {
      ID: 'web',
      Type: 'service',
      Datacenters: ['dc1'],
      TaskGroups: [
        { Name: 'web', Count: count, Tasks: [{ Name: 'nginx', Driver: 'docker', Config: { image: 'nginx:1.27' } }] },
      ],
    },
  };
}

describe('git sources: a private HTTPS repository, push webhooks, deleted branches and signed commits', () => {
  const dir = tempDir();
  const work = new TestRepo(join(dir.path, 'work'));
  const bare = join(dir.path, 'srv', 'org', 'jobs.git');
  let http: GitHTTPServer;
  let sim: Child & { match: RegExpMatchArray };
  let server: Child & { match: RegExpMatchArray };
  let drover: string;
  let nomad: string;

  const app = async (name: string) =>
    (await getJSON<{ apps: App[] }>(`${drover}/api/v1/apps`)).body.apps.find((a) => a.name === name)!;
  const push = () => git(work.path, 'push', '--quiet', '--force', bare, 'main');
  const webhook = (ref: string, secret = HOOK_SECRET) => {
    // The host names the repository without ".git": the same repository for Drover.
    const body = JSON.stringify({ ref, repository: { clone_url: http.url('org/jobs'), default_branch: 'main' } });
    return fetch(`${drover}/api/v1/webhooks/git`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
    });
  };

  before(async () => {
    work.write('jobs/web.json', webJob(1)).write('signed/signed.json', { Job: { ...webJob(1).Job, ID: 'signed' } });
    work.commit('first');
    mkdirSync(join(dir.path, 'srv', 'org'), { recursive: true });
    git(dir.path, 'clone', '--quiet', '--bare', work.path, bare);
    http = await startGitHTTP(join(dir.path, 'srv'), { username: 'git', password: TOKEN });

    const gnupg = join(dir.path, 'gnupg');
    mkdirSync(gnupg, { mode: 0o700 });
    execFileSync(
      'gpg',
      [
        '--batch',
        '--quiet',
        '--passphrase',
        '',
        '--quick-gen-key',
        'Release <release@example.test>',
        'ed25519',
        'sign',
        'never',
      ],
      { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' },
    );
    writeFileSync(
      join(dir.path, 'keys.asc'),
      execFileSync('gpg', ['--batch', '--armor', '--export'], { env: { ...process.env, GNUPGHOME: gnupg } }),
    );
    writeFileSync(join(dir.path, 'token'), TOKEN);
    writeFileSync(join(dir.path, 'hook'), HOOK_SECRET);

    sim = await startDrover(['sim', '--port', '0'], /listening on (http:\/\/\S+)/);
    nomad = sim.match[1]!;
    const config = join(dir.path, 'drover.json');
    writeFileSync(
      config,
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        refresh_interval: '1h',
        cluster: { default: { address: nomad } },
        repository: {
          jobs: {
            url: http.url('org/jobs.git'),
            poll_interval: '1h',
            token_file: 'token',
            webhook_secret_file: 'hook',
            keyring_file: 'keys.asc',
          },
        },
        app: {
          web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } },
          signed: { repository: 'jobs', revision: 'main', path: 'signed', require_signed_commits: true },
        },
      }),
    );
    server = await startDrover(['server', '--config', config], /listening on (http:\/\/\S+)/, {
      DROVER_LOG_LEVEL: 'debug',
    });
    drover = server.match[1]!;
  });

  after(async () => {
    await server?.stop();
    await sim?.stop();
    await http?.stop();
    dir.cleanup();
  });

  test('given a private repository, when Drover starts, then it syncs with the token and refuses the unsigned commit for the app that requires signatures', async () => {
    const first = git(work.path, 'rev-parse', 'HEAD');
    await waitFor('web synced', async () => ((await app('web')).status.sync.revision === first ? true : undefined));
    const signed = await waitFor('signed refused', async () => {
      const a = await app('signed');
      return a.status.conditions.length > 0 ? a : undefined;
    });
    assert.equal(signed.status.sync.status, 'Unknown');
    assert.match(
      signed.status.conditions[0]!.message,
      new RegExp(
        `commit ${first.slice(0, 12)} in http://127\\.0\\.0\\.1:\\d+/org/jobs\\.git refused: signed commits are required and the commit is not signed`,
      ),
    );
    assert.equal((await fetch(`${nomad}/v1/job/signed`)).status, 404, 'nothing from an unsigned commit reaches Nomad');
  });

  test('when a commit is pushed and the host sends a webhook, then only that push is fetched and synced', async () => {
    const second = work.write('jobs/web.json', webJob(2)).commit('scale web');
    push();
    const refused = await webhook('refs/heads/main', 'wrong-secret');
    assert.equal(refused.status, 401);
    const response = await webhook('refs/heads/main');
    assert.equal(response.status, 202);
    assert.deepEqual(((await response.json()) as { triggered: string[] }).triggered, ['web', 'signed']);
    await waitFor('web synced at the pushed commit', async () =>
      (await app('web')).status.sync.revision === second ? true : undefined,
    );
    const { body: job } = await getJSON<{ TaskGroups: Array<{ Count: number }> }>(`${nomad}/v1/job/web`);
    assert.equal(job.TaskGroups[0]!.Count, 2);
  });

  test('when history is force-pushed, then the app follows the rewritten branch', async () => {
    git(work.path, 'reset', '--quiet', '--hard', 'HEAD~1');
    const rewritten = work.write('jobs/web.json', webJob(3)).commit('rewrite: scale web to 3');
    push();
    assert.equal((await webhook('refs/heads/main')).status, 202);
    await waitFor('web synced at the rewritten commit', async () =>
      (await app('web')).status.sync.revision === rewritten ? true : undefined,
    );
    const { body: job } = await getJSON<{ TaskGroups: Array<{ Count: number }> }>(`${nomad}/v1/job/web`);
    assert.equal(job.TaskGroups[0]!.Count, 3);
  });

  test('when the branch is deleted, then the app reports it and nothing is pruned', async () => {
    git(bare, 'update-ref', '-d', 'refs/heads/main');
    assert.equal((await webhook('refs/heads/main')).status, 202);
    const web = await waitFor('web reports the deleted branch', async () => {
      const a = await app('web');
      return a.status.sync.status === 'Unknown' ? a : undefined;
    });
    assert.match(
      web.status.conditions[0]!.message,
      /revision "main" not found in http:\/\/127\.0\.0\.1:\d+\/org\/jobs\.git/,
    );
    const { body: job } = await getJSON<{ Stop: boolean }>(`${nomad}/v1/job/web`);
    assert.equal(job.Stop, false, 'a deleted branch never prunes');
  });

  test('no secret appears in logs, API answers or the database', async () => {
    const api =
      JSON.stringify((await getJSON(`${drover}/api/v1/apps`)).body) +
      JSON.stringify((await getJSON(`${drover}/api/v1/apps/web/history`)).body);
    const db = readFileSync(join(dir.path, 'data', 'drover.db')).toString('latin1');
    for (const secret of [TOKEN, HOOK_SECRET]) {
      assert.ok(!server.output().includes(secret), 'logs');
      assert.ok(!api.includes(secret), 'API');
      assert.ok(!db.includes(secret), 'database');
    }
    assert.ok(
      http.requests.some((r) => r.user === 'git' && r.status === 200),
      'the token was used',
    );
  });
});
