import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitURL, errorPosition, relativeTime } from './format.ts';

test('commit links for the forges people use, none for a plain git server', () => {
  const sha = 'abc1234';
  assert.equal(commitURL('https://github.com/acme/jobs.git', sha), 'https://github.com/acme/jobs/commit/abc1234');
  assert.equal(commitURL('git@github.com:acme/jobs.git', sha), 'https://github.com/acme/jobs/commit/abc1234');
  assert.equal(
    commitURL('https://gitlab.com/acme/infra/jobs', sha),
    'https://gitlab.com/acme/infra/jobs/-/commit/abc1234',
  );
  assert.equal(
    commitURL('ssh://git@bitbucket.org/acme/jobs.git', sha),
    'https://bitbucket.org/acme/jobs/commits/abc1234',
  );
  assert.equal(
    commitURL('https://gitea.example.com/acme/jobs.git', sha),
    'https://gitea.example.com/acme/jobs/commit/abc1234',
  );
  assert.equal(commitURL('https://git.example.com/acme/jobs.git', sha), undefined);
  assert.equal(commitURL('/srv/git/jobs', sha), undefined);
});

test('render errors give their file, line and column', () => {
  assert.deepEqual(errorPosition('apps/web/web.nomad.hcl:18:13: Undefined variable'), {
    file: 'apps/web/web.nomad.hcl',
    line: 18,
    col: 13,
  });
  assert.deepEqual(errorPosition('jobs/a.json:3: bad'), { file: 'jobs/a.json', line: 3 });
  assert.equal(errorPosition('Nomad answered 500'), undefined);
});

test('relative times read like speech', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(relativeTime('2026-01-01T11:57:00Z', now), '3 minutes ago');
  assert.equal(relativeTime('2026-01-01T12:00:00Z', now), 'now');
  assert.equal(relativeTime(undefined, now), '');
});
