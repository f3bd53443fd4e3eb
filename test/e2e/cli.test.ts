import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCli, type CliResult } from '../helpers/cli.js';
import { waitFor } from '../helpers/process.js';
import { tempDir } from '../helpers/git.js';
import { Stack, serviceJob } from '../helpers/stack.js';

describe('the drover CLI against a running server', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  const drover = (...args: string[]): Promise<CliResult> => runCli(args, env);

  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          web: { repository: 'jobs', revision: 'main', path: 'web', sync: { automated: true, prune: true } },
          manual: { repository: 'jobs', revision: 'main', path: 'manual', sync: { automated: false } },
        },
      },
      (repo) => {
        repo.write('web/web.json', serviceJob('cli-web')).write('manual/m.json', serviceJob('cli-man'));
        repo.commit('first');
      },
    );
    await stack.refresh('web');
    await stack.refresh('manual');
    env = {
      DROVER_ADDR: stack.drover.url,
      DROVER_TOKEN: stack.adminToken,
      XDG_CONFIG_HOME: join(stack.dir.path, 'xdg'),
    };
  });
  after(() => stack.stop());

  test('app list shows each app with sync, health and revision; -o json and -o yaml are the API JSON', async () => {
    const table = await drover('app', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+SYNC\s+HEALTH\s+REVISION\s+LAST SYNC\s+MESSAGE/);
    assert.match(table.stdout, /\nweb\s+Synced\s+Healthy\s+[0-9a-f]{7}\s+Succeeded/);
    assert.match(table.stdout, /\nmanual\s+OutOfSync\s/);

    const json = JSON.parse((await drover('app', 'list', '-o', 'json', '--sync', 'outofsync')).stdout);
    assert.deepEqual(
      json.apps.map((a: { name: string }) => a.name),
      ['manual'],
    );
    const yaml = parseYaml((await drover('app', 'list', '-o', 'yaml')).stdout);
    assert.equal(yaml.apps.length, 2);
  });

  test('app get shows source, policy, jobs with health, and the last sync', async () => {
    const got = await drover('app', 'get', 'web');
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /Sync policy:\s+automated, prune/);
    assert.match(got.stdout, /Last sync:\s+Succeeded/);
    assert.match(got.stdout, /default\s+cli-web\s+Synced\s+Healthy/);
    assert.equal(JSON.parse((await drover('app', 'get', 'web', '-o', 'json')).stdout).name, 'web');
  });

  test('app diff exits 0 in sync, 1 with differences (with the plan notes), 2 on error', async () => {
    const clean = await drover('app', 'diff', 'web');
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /In sync/);

    const changed = await drover('app', 'diff', 'manual');
    assert.equal(changed.code, 1);
    assert.match(changed.stdout, /\+\+\+ git {2}default\/cli-man/);
    assert.match(changed.stdout, /Missing · forces create/);

    const missing = await drover('app', 'diff', 'nope');
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'drover: no app named "nope" (DROVER_ERR_NOT_FOUND)\n');
    const unreachable = await runCli(['app', 'diff', 'web'], { ...env, DROVER_ADDR: 'http://127.0.0.1:9' });
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /^drover: cannot reach http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(unreachable.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  test('app diff --local compares a working tree with the cluster, with no commit', async () => {
    const tree = join(stack.dir.path, 'pr');
    mkdirSync(tree);
    writeFileSync(join(tree, 'web.json'), JSON.stringify(serviceJob('cli-web', { count: 3 })));
    const diff = await drover('app', 'diff', 'web', '--local', tree);
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /@@ TaskGroups\[main\]\.Count @@\n-1\n\+3\n/);
    assert.match(diff.stdout, /\+2 allocs/);
    assert.equal((await stack.nomad('/v1/job/cli-web')).body.TaskGroups[0].Count, 1, 'nothing was written');

    cpSync(join(stack.repo.path, 'web', 'web.json'), join(tree, 'web.json'));
    assert.equal((await drover('app', 'diff', 'web', '--local', tree)).code, 0);
    writeFileSync(join(tree, 'web.json'), '{"Job": ');
    const broken = await drover('app', 'diff', 'web', '--local', tree);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /web\/web\.json/);
  });

  test('app sync prints each job and the result; app wait --sync returns once synced', async () => {
    const synced = await drover('app', 'sync', 'manual');
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stdout, /create\s+default\/cli-man\s+ok/);
    assert.match(synced.stdout, /Sync run #\d+ of manual at [0-9a-f]{12}: Succeeded \(1 create\)/);
    const waited = await drover('app', 'wait', 'manual', '--sync', '--timeout', '20s');
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /manual: Synced at [0-9a-f]{12}/);

    const json = JSON.parse((await drover('app', 'sync', 'manual', '-o', 'json')).stdout);
    assert.equal(json.run.result, 'Succeeded');
  });

  test('app wait exits 1 on timeout and 3 when the app turns Degraded', async () => {
    stack.repo.write('manual/m.json', serviceJob('cli-man', { image: 'nginx:2' })).commit('manual change');
    await stack.refresh('manual');
    const timeout = await drover('app', 'wait', 'manual', '--sync', '--timeout', '2s');
    assert.equal(timeout.code, 1);
    assert.match(timeout.stderr, /^drover: timed out after 2s: manual is OutOfSync/);

    await stack.nomad('/_sim/faults/allocations', { json: { job: 'cli-man', image: 'nginx:broken' }, method: 'POST' });
    stack.repo.write('manual/m.json', serviceJob('cli-man', { image: 'nginx:broken' })).commit('broken');
    assert.equal((await drover('app', 'sync', 'manual')).code, 0);
    const degraded = await drover('app', 'wait', 'manual', '--health', '--timeout', '30s');
    assert.equal(degraded.code, 3, degraded.stderr);
    assert.match(degraded.stderr, /^drover: manual is Degraded: /);
  });

  test('history, rollback to a run, and unpin', async () => {
    const history = JSON.parse((await drover('app', 'history', 'web', '-o', 'json')).stdout).history;
    assert.ok(history.length >= 1);
    const table = await drover('app', 'history', 'web', '-n', '1');
    assert.match(table.stdout, /^ID\s+STARTED\s+TRIGGER\s+REVISION\s+RESULT/);
    assert.equal(table.stdout.trim().split('\n').length, 2);

    const rolled = await drover('app', 'rollback', 'web', String(history.at(-1).id));
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /Pinned web: Synced, \w+, pinned to [0-9a-f]{12}/);
    const unpinned = await drover('app', 'unpin', 'web', '-o', 'json');
    assert.equal(JSON.parse(unpinned.stdout).status.pin, undefined);
    const both = await drover('app', 'rollback', 'web');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /RUN_ID .* or --revision/);
  });

  test('login saves the server and token with mode 0600; later commands need no flags; logout forgets it', async () => {
    const xdg = join(stack.dir.path, 'login-xdg');
    const own = { XDG_CONFIG_HOME: xdg };
    const refused = await runCli(['login', '--server', stack.drover.url], own, 'drv_0000_not-a-token\n');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^drover: .*\(DROVER_ERR_UNAUTHENTICATED\)\n$/);
    const loggedIn = await runCli(
      ['login', '--server', stack.drover.url, '--name', 'test'],
      own,
      `${stack.adminToken}\n`,
    );
    assert.equal(loggedIn.code, 0, loggedIn.stderr);
    assert.match(loggedIn.stdout, /^Logged in to http:\/\/127\.0\.0\.1:\d+ as test-stack \(\w+\), admin of every app/);
    const file = join(xdg, 'drover', 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(saved.contexts.test, { server: stack.drover.url, token: stack.adminToken });
    assert.equal(saved.current, 'test');

    const listed = await runCli(['app', 'list', '-o', 'json'], own);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).apps.length, 2);
    assert.match((await runCli(['context'], own)).stdout, /\*\s+test\s+http:\/\/127\.0\.0\.1:\d+\s+yes/);
    assert.equal((await runCli(['logout'], own)).code, 0);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).contexts.test.token, undefined);
    const anonymous = await runCli(['app', 'list'], own);
    assert.equal(anonymous.code, 2);
    assert.match(anonymous.stderr, /\(DROVER_ERR_UNAUTHENTICATED\)/);
  });

  test('token create, list and revoke work over the API with an admin token', async () => {
    const created = await drover('token', 'create', '--role', 'viewer', '--name', 'ci', '--apps', 'web*');
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^drv_[0-9a-f]+_\S+$/);
    assert.match(created.stderr, /Created viewer token (\w+) "ci" for web\*/);
    const viewer = await runCli(['app', 'list', '-o', 'json'], { ...env, DROVER_TOKEN: secret });
    assert.deepEqual(
      JSON.parse(viewer.stdout).apps.map((a: { name: string }) => a.name),
      ['web'],
    );
    const denied = await runCli(['app', 'sync', 'web'], { ...env, DROVER_TOKEN: secret });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /\(DROVER_ERR_FORBIDDEN\)/);

    const id = /Created viewer token (\w+)/.exec(created.stderr)![1]!;
    const listed = JSON.parse((await drover('token', 'list', '--json')).stdout);
    assert.ok(listed.tokens.some((t: { id: string }) => t.id === id));
    assert.equal((await drover('token', 'revoke', id)).code, 0);
    assert.equal((await runCli(['app', 'list'], { ...env, DROVER_TOKEN: secret })).code, 2);
  });

  test('version, completion and errors for bad flags', async () => {
    const version = await drover('version');
    assert.match(version.stdout, /^client: \d+\.\d+\.\d+\nserver: \d+\.\d+\.\d+ \(http:\/\/127\.0\.0\.1:\d+\)\n$/);
    assert.match((await drover('completion', 'bash')).stdout, /complete -F _drover drover/);
    assert.match((await drover('completion', 'zsh')).stdout, /bashcompinit/);
    assert.match((await drover('completion', 'fish')).stdout, /__fish_seen_subcommand_from app' -a diff/);
    const badFormat = await drover('app', 'list', '-o', 'xml');
    assert.equal(badFormat.code, 2);
    assert.equal(badFormat.stderr, 'drover: -o xml: expected one of table, wide, json, yaml\n');
  });

  test('app refresh and sync --async answer at once', async () => {
    assert.match((await drover('app', 'refresh', 'web')).stdout, /^Refreshed web: Synced/);
    const detached = await drover('app', 'sync', 'web', '--async', '-o', 'json');
    assert.deepEqual(JSON.parse(detached.stdout), { accepted: true, app: 'web' });
    await waitFor('the detached sync in history', async () => {
      const { body } = await stack.api('/api/v1/apps/web/history');
      return body.history[0].trigger === 'sync' ? true : undefined;
    });
  });
});

describe('the drover CLI against a server with TLS', () => {
  const certs = tempDir('drover-cli-tls-');
  const cert = join(certs.path, 'cert.pem');
  const key = join(certs.path, 'key.pem');
  let stack: Stack;
  before(async () => {
    execFileSync('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ]);
    stack = await Stack.start({ apps: {}, config: { tls: { cert_file: cert, key_file: key } } });
  });
  after(async () => {
    await stack?.stop();
    certs.cleanup();
  });

  test('--ca-file trusts the server; without it the certificate is refused; --insecure-skip-verify skips the check', async () => {
    assert.match(stack.drover.url, /^https:/);
    const env = { DROVER_ADDR: stack.drover.url, DROVER_TOKEN: stack.adminToken };
    const trusted = await runCli(['app', 'list', '-o', 'json', '--ca-file', cert], env);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.deepEqual(JSON.parse(trusted.stdout), { apps: [] });
    const refused = await runCli(['app', 'list'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^drover: cannot reach https:\/\/127\.0\.0\.1:\d+: \w*SELF_SIGNED/);
    const skipped = await runCli(['app', 'list', '-o', 'json', '--insecure-skip-verify'], env);
    assert.equal(skipped.code, 0, skipped.stderr);
  });
});
