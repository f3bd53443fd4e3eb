import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../../test/helpers/git.js';
import { MirrorSet } from './mirror.js';

const dir = tempDir();
after(() => dir.cleanup());

/** A throwaway gpg key in its own GNUPGHOME; returns the home and the key's fingerprint. */
function makeKey(name: string): { home: string; fingerprint: string } {
  const home = join(dir.path, `gnupg-${name}`);
  mkdirSync(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  execFileSync(
    'gpg',
    [
      '--batch',
      '--quiet',
      '--passphrase',
      '',
      '--quick-gen-key',
      `${name} <${name}@example.test>`,
      'ed25519',
      'sign',
      'never',
    ],
    { env, stdio: 'ignore' },
  );
  const colons = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys'], { env, encoding: 'utf8' });
  return { home, fingerprint: /^fpr:+([0-9A-F]{40}):/m.exec(colons)![1]! };
}

function signedCommit(repo: TestRepo, key: { home: string; fingerprint: string }, message: string): string {
  const env = { ...process.env, GNUPGHOME: key.home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['add', '-A'], { cwd: repo.path, env });
  execFileSync(
    'git',
    [
      '-c',
      'user.name=Signer',
      '-c',
      'user.email=signer@example.test',
      '-c',
      `user.signingkey=${key.fingerprint}`,
      'commit',
      '--quiet',
      '--allow-empty',
      '-S',
      '-m',
      message,
    ],
    { cwd: repo.path, env },
  );
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.path, env, encoding: 'utf8' }).trim();
}

let trusted: { home: string; fingerprint: string };
let stranger: { home: string; fingerprint: string };
let keyring: string;

before(() => {
  trusted = makeKey('trusted');
  stranger = makeKey('stranger');
  keyring = join(dir.path, 'keyring.asc');
  writeFileSync(
    keyring,
    execFileSync('gpg', ['--batch', '--armor', '--export', trusted.fingerprint], {
      env: { ...process.env, GNUPGHOME: trusted.home },
    }),
  );
});

test('with a keyring, commits carry their signature status and unsigned or foreign-signed ones are refused when required', async () => {
  const repo = new TestRepo(join(dir.path, 'repo'));
  repo.write('jobs/web.json', '{}');
  const good = signedCommit(repo, trusted, 'signed by a trusted key');
  const unsigned = repo.write('jobs/web.json', '{"a":1}').commit('unsigned');
  const foreign = signedCommit(repo.write('jobs/web.json', '{"a":2}'), stranger, 'signed by a stranger');

  const mirror = new MirrorSet(join(dir.path, 'mirrors'), [{ url: repo.path, keyringFile: keyring }]).get(repo.path);
  await mirror.fetch();

  const snap = await mirror.snapshot(good, 'jobs', { requireSignedCommits: true });
  assert.deepEqual(snap.commit.signature, { status: 'good', key: trusted.fingerprint });
  assert.equal(snap.files.size, 1);

  assert.deepEqual((await mirror.commitInfo(unsigned)).signature, { status: 'unsigned' });
  assert.equal((await mirror.commitInfo(foreign)).signature?.status, 'bad');
  assert.equal(
    (await mirror.snapshot(unsigned, 'jobs')).files.size,
    1,
    'without the requirement, unsigned commits sync',
  );

  await assert.rejects(
    mirror.snapshot(unsigned, 'jobs', { requireSignedCommits: true }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DROVER_ERR_GIT_SIGNATURE');
      assert.match(
        error.message,
        new RegExp(
          `commit ${unsigned.slice(0, 12)} in .*repo refused: signed commits are required and the commit is not signed`,
        ),
      );
      return true;
    },
  );
  await assert.rejects(
    mirror.snapshot(foreign, 'jobs', { requireSignedCommits: true }),
    /refused: signed commits are required and the signature is not valid: signed by a key that is not in the keyring/,
  );
});

test('requiring signatures without a keyring refuses every commit', async () => {
  const repo = new TestRepo(join(dir.path, 'nokeyring'));
  const sha = signedCommit(repo.write('a.json', '{}'), trusted, 'signed');
  const mirror = new MirrorSet(join(dir.path, 'mirrors2')).get(repo.path);
  await mirror.fetch();
  await assert.rejects(
    mirror.snapshot(sha, '.', { requireSignedCommits: true }),
    /no keyring is configured for the repository/,
  );
});
