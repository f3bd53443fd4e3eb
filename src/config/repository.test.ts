import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-repo-config-'));
for (const name of ['token', 'id_ed25519', 'known_hosts', 'hook', 'keys.asc']) writeFileSync(join(dir, name), 'x');
const file = join(dir, 'drover.json');

test('repository credentials, webhook secret, keyring and limits keep only where secrets live', () => {
  const config = parseConfig(
    JSON.stringify({
      cluster: { default: { address: 'http://127.0.0.1:4646' } },
      repository: {
        https: {
          url: 'https://git.example.com/org/jobs.git',
          token_file: 'token',
          webhook_secret_env: 'HOOK_SECRET',
          keyring_file: 'keys.asc',
          max_file_bytes: 1000,
        },
        ssh: {
          url: 'git@git.example.com:org/jobs',
          ssh_key_file: 'id_ed25519',
          known_hosts_file: 'known_hosts',
          webhook_secret_file: 'hook',
        },
        basic: { url: 'https://git.example.com/org/other', username: 'deploy', password_env: 'GIT_PASSWORD' },
      },
      app: { web: { repository: 'https', require_signed_commits: true }, api: { repository: 'ssh' } },
    }),
    file,
  );
  const https = config.repositories.get('https')!;
  assert.deepEqual(https.credentials, { password: { file: join(dir, 'token') } });
  assert.deepEqual(https.webhookSecret, { env: 'HOOK_SECRET' });
  assert.equal(https.keyringFile, join(dir, 'keys.asc'));
  assert.deepEqual(https.limits, { maxFileBytes: 1000 });
  assert.deepEqual(config.repositories.get('ssh')!.credentials, {
    sshKeyFile: join(dir, 'id_ed25519'),
    knownHostsFile: join(dir, 'known_hosts'),
  });
  assert.deepEqual(config.repositories.get('ssh')!.webhookSecret, { file: join(dir, 'hook') });
  assert.deepEqual(config.repositories.get('basic')!.credentials, {
    username: 'deploy',
    password: { env: 'GIT_PASSWORD' },
  });
  assert.equal(config.apps.find((a) => a.name === 'web')!.source.requireSignedCommits, true);
  assert.equal(config.apps.find((a) => a.name === 'api')!.source.requireSignedCommits, undefined);
  assert.equal(config.webhookMaxBodyBytes, 25 * 1024 * 1024);
});

test('bad repository settings name the file and the field', () => {
  const bad =
    (repo: object, app: object = {}) =>
    () =>
      parseConfig(
        JSON.stringify({
          repository: { r: { url: 'https://h/o/r', ...repo } },
          app: { a: { repository: 'r', ...app } },
        }),
        file,
        { env: { NOMAD_ADDR: 'http://127.0.0.1:4646' } },
      );
  assert.throws(
    bad({ token_file: 'missing' }),
    /drover\.json(:\d+:\d+)?: repository\.r\.token_file: cannot read .*missing: ENOENT/,
  );
  assert.throws(
    bad({ token_file: 'token', password_env: 'X' }),
    /drover\.json(:\d+:\d+)?: repository\.r: set at most one of "token_file", "token_env", "password_file" or "password_env"/,
  );
  assert.throws(
    bad({}, { require_signed_commits: true }),
    /drover\.json(:\d+:\d+)?: app\.a\.require_signed_commits: repository "r" has no keyring_file/,
  );
  assert.throws(bad({ max_file_bytes: -1 }), /repository\.r\.max_file_bytes: /);
  assert.throws(bad({ url: 'https://user:ghp_secret@h/o/r' }), (error: Error) => {
    assert.match(
      error.message,
      /drover\.json(:\d+:\d+)?: repository\.r\.url: the URL contains a password or token; use token_file/,
    );
    assert.ok(!error.message.includes('ghp_secret'));
    return true;
  });
  assert.throws(
    () => parseConfig(JSON.stringify({ app: { a: { url: 'https://x:tok@h/o/r' } } }), file),
    /app\.a\.url: the URL contains a password or token/,
  );
});
