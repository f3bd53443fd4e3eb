import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHTTPURL, isSSHURL, normalizeRepoURL, redactURL } from './url.js';

test('every spelling of one repository normalizes to one key', () => {
  const same = [
    'https://git.example.com/org/repo',
    'https://git.example.com/org/repo.git',
    'https://git.example.com/org/repo/',
    'HTTPS://Git.Example.com:443/org/repo.git',
    'http://user:secret@git.example.com/org/repo',
    'git@git.example.com:org/repo',
    'git@git.example.com:org/repo.git',
    'ssh://git@git.example.com/org/repo',
    'ssh://git@git.example.com:22/org/repo.git',
    'git://git.example.com/org/repo.git',
    '[git@git.example.com:22]:org/repo.git',
  ];
  for (const url of same) assert.equal(normalizeRepoURL(url), 'git.example.com/org/repo', url);
});

test('ports, paths and case of the path keep repositories apart', () => {
  assert.equal(normalizeRepoURL('ssh://git@host:2222/org/repo'), 'host:2222/org/repo');
  assert.equal(normalizeRepoURL('[git@host:2222]:org/repo.git'), 'host:2222/org/repo', 'scp-like with a port');
  assert.notEqual(normalizeRepoURL('https://host/org/repo'), normalizeRepoURL('https://host/org/Repo'));
  assert.notEqual(normalizeRepoURL('https://host/org/repo'), normalizeRepoURL('https://host/org/repo2'));
  assert.equal(normalizeRepoURL('/srv/git/repo/'), '/srv/git/repo');
  assert.equal(normalizeRepoURL('file:///srv/git/repo'), '/srv/git/repo');
});

test('URL kinds and redaction', () => {
  assert.ok(isSSHURL('git@host:org/repo'));
  assert.ok(isSSHURL('ssh://git@host/org/repo'));
  assert.ok(isSSHURL('[git@host:2222]:org/repo'));
  assert.ok(!isSSHURL('https://host/org/repo'));
  assert.ok(!isSSHURL('/srv/git/repo'));
  assert.ok(!isSSHURL('./repo'));
  assert.ok(isHTTPURL('https://host/org/repo'));
  assert.equal(redactURL('https://user:s3cret@host/org/repo'), 'https://host/org/repo');
});
