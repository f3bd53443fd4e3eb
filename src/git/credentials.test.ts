import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/git.js';
import { gitAuth } from './credentials.js';

const dir = tempDir();
after(() => dir.cleanup());

test('the HTTPS credential helper answers git with the secret from the file, read on every use', () => {
  const file = join(dir.path, 'token');
  writeFileSync(file, 'first-token\n');
  const fill = (host = 'git.example.com:8443') => {
    const auth = gitAuth('https://git.example.com:8443/org/repo.git', { password: { file } });
    assert.ok(!JSON.stringify(auth.env).includes('https://'), 'no URL carries the secret');
    return execFileSync('git', ['credential', 'fill'], {
      input: `protocol=https\nhost=${host}\npath=org/repo.git\n\n`,
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        ...auth.env,
      },
      encoding: 'utf8',
    });
  };
  assert.match(fill(), /^username=git\npassword=first-token\n/m);
  writeFileSync(file, 'rotated-token\n');
  assert.match(fill(), /password=rotated-token/, 'a rotated token is used without a restart');
  assert.throws(
    () => fill('elsewhere.example.com'),
    /could not read Username|terminal prompts disabled/,
    'another host (a redirect) gets nothing',
  );
  assert.deepEqual(
    gitAuth('https://h/o/r', { password: { file } }).secrets,
    ['rotated-token'],
    'the secret is known for redaction',
  );
});

test('SSH always runs in batch mode with strict host keys; the key and known_hosts paths are quoted for the shell', () => {
  const strict = gitAuth('git@host:org/repo', { sshKeyFile: '/keys/deploy key', knownHostsFile: '/etc/known hosts' })
    .env.GIT_SSH_COMMAND!;
  assert.match(strict, /-o BatchMode=yes/);
  assert.match(strict, /-i '\/keys\/deploy key'/);
  assert.match(strict, /'UserKnownHostsFile=\/etc\/known hosts'/);
  assert.match(strict, /StrictHostKeyChecking=yes/);
  assert.match(gitAuth('ssh://git@host/org/repo', undefined).env.GIT_SSH_COMMAND!, /StrictHostKeyChecking=yes/);
  assert.match(
    gitAuth('ssh://git@host/org/repo', { insecureIgnoreHostKey: true }).env.GIT_SSH_COMMAND!,
    /StrictHostKeyChecking=no/,
  );
  assert.deepEqual(gitAuth('https://host/org/repo', undefined), { env: {}, secrets: [] });
});
