import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renameSync, symlinkSync } from 'node:fs';
import { TestRepo, git, tempDir } from '../../test/helpers/git.js';
import { MirrorSet } from './mirror.js';

const dir = tempDir();
after(() => dir.cleanup());

test('resolves branches, tags, short and full SHAs and HEAD, and reads snapshots without a work tree', async () => {
  const repo = new TestRepo(join(dir.path, 'origin'));
  const first = repo
    .write('apps/web/web.json', '{"ID":"web"}')
    .write('apps/api/api.json', '{"ID":"api"}')
    .write('top.txt', 'x')
    .commit('first');
  git(repo.path, 'tag', 'v1');
  const second = repo.write('apps/web/web.json', '{"ID":"web2"}').commit('second');
  symlinkSync('web.json', join(repo.path, 'apps/web/alias.json'));
  const third = repo.commit('add a symlink inside the app path');

  const mirrors = new MirrorSet(join(dir.path, 'mirrors'));
  const mirror = mirrors.get(repo.path);
  assert.equal(mirrors.get(repo.path + '/'), mirror, 'one mirror per repository');
  await Promise.all([mirror.fetch(), mirror.fetch()]);
  assert.equal(await mirror.resolve('main'), third);
  assert.equal(await mirror.resolve('HEAD'), third);
  assert.equal(await mirror.resolve('v1'), first);
  assert.equal(await mirror.resolve(second), second);
  assert.equal(await mirror.resolve(second.slice(0, 10)), second);
  await assert.rejects(mirror.resolve('nope'), /revision "nope" not found in .*origin/);

  const snap = await mirror.snapshot(third, 'apps/web');
  assert.deepEqual([...snap.files.keys()].sort(), ['apps/web/alias.json', 'apps/web/web.json']);
  assert.equal(
    snap.files.get('apps/web/alias.json')!.toString(),
    '{"ID":"web2"}',
    'a symlink inside the app path reads its target',
  );
  assert.equal(snap.commit.subject, 'add a symlink inside the app path');
  assert.equal(snap.commit.author, 'Test Author');
  assert.equal(snap.commit.committer, 'Test Committer');
  assert.equal(snap.commit.committerEmail, 'committer@example.test');
  assert.equal(snap.commit.signature, undefined, 'no keyring, no signature check');
  assert.equal((await mirror.snapshot(first, 'apps/web')).files.get('apps/web/web.json')!.toString(), '{"ID":"web"}');
  assert.equal((await mirror.snapshot(first, '.')).files.size, 3);
  await assert.rejects(mirror.snapshot(first, '../etc'), /path "\.\.\/etc" leaves the repository/);
});

test('a symlink leaving the app path is refused with the link and its target named', async () => {
  const repo = new TestRepo(join(dir.path, 'escape'));
  repo.write('apps/web/web.json', '{}').write('secrets/key', 'k');
  symlinkSync('../../secrets/key', join(repo.path, 'apps/web/key.json'));
  symlinkSync('/etc/passwd', join(repo.path, 'apps/web/abs.json'));
  const sha = repo.commit('escape');
  const mirror = new MirrorSet(join(dir.path, 'mirrors')).get(repo.path);
  await mirror.fetch();
  await assert.rejects(mirror.snapshot(sha, 'apps/web'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DROVER_ERR_GIT_SNAPSHOT');
    assert.match(
      error.message,
      /symlink "apps\/web\/(key|abs)\.json" points to "(\.\.\/\.\.\/secrets\/key|\/etc\/passwd)", outside the app path "apps\/web"/,
    );
    return true;
  });
  assert.equal(
    (await mirror.snapshot(sha, 'secrets')).files.get('secrets/key')!.toString(),
    'k',
    'other paths still read',
  );
});

test('files and trees over the limits are refused with the size and limit named', async () => {
  const repo = new TestRepo(join(dir.path, 'big'));
  const sha = repo.write('apps/web/a.json', 'x'.repeat(600)).write('apps/web/b.json', 'y'.repeat(500)).commit('big');
  const files = new MirrorSet(join(dir.path, 'mirrors-limits'), [
    { url: repo.path, limits: { maxFileBytes: 550 } },
  ]).get(repo.path);
  await files.fetch();
  await assert.rejects(
    files.snapshot(sha, 'apps/web'),
    /file "apps\/web\/a\.json" at [0-9a-f]{12} in .*big is 600 bytes, more than the limit of 550/,
  );
  const total = new MirrorSet(join(dir.path, 'mirrors-limits2'), [
    { url: repo.path, limits: { maxTotalBytes: 1000 } },
  ]).get(repo.path);
  await total.fetch();
  await assert.rejects(
    total.snapshot(sha, 'apps/web'),
    /"apps\/web" at [0-9a-f]{12} in .*big holds 1100 bytes, more than the limit of 1000/,
  );
  const count = new MirrorSet(join(dir.path, 'mirrors-limits3'), [{ url: repo.path, limits: { maxFiles: 1 } }]).get(
    repo.path,
  );
  await count.fetch();
  await assert.rejects(count.snapshot(sha, 'apps/web'), /has 2 files, more than the limit of 1/);
});

test('fetch follows only the revisions in use, reports changes, follows force-pushes and drops deleted branches', async () => {
  const repo = new TestRepo(join(dir.path, 'moving'));
  const base = repo.write('a.json', '1').commit('base');
  git(repo.path, 'branch', 'other');
  git(repo.path, 'branch', 'feature');
  const mirror = new MirrorSet(join(dir.path, 'mirrors-moving'), [
    { url: repo.path, revisions: ['main', 'feature'] },
  ]).get(repo.path);
  assert.equal(await mirror.fetch(), true, 'first fetch changes the mirror');
  assert.equal(await mirror.fetch(), false, 'nothing changed');
  assert.deepEqual(
    git(mirror.dir, 'for-each-ref', '--format=%(refname)').split('\n'),
    ['refs/heads/feature', 'refs/heads/main'],
    'only refs in use are fetched',
  );

  git(repo.path, 'checkout', '--quiet', 'feature');
  repo.write('a.json', '2').commit('feature work');
  const rewritten = repo.write('a.json', '3').commit('more');
  git(repo.path, 'reset', '--quiet', '--hard', base);
  const forced = repo.write('a.json', 'forced').commit('rewritten history');
  assert.notEqual(forced, rewritten);
  assert.equal(await mirror.fetch(), true);
  assert.equal(await mirror.resolve('feature'), forced, 'a force-push is followed');

  git(repo.path, 'checkout', '--quiet', 'main');
  git(repo.path, 'branch', '-D', 'feature');
  assert.equal(await mirror.fetch(), true, 'a deleted branch is a change');
  await assert.rejects(mirror.resolve('feature'), (error: Error & { code?: string; kind?: string }) => {
    assert.match(error.message, /revision "feature" not found in .*moving \(a deleted branch/);
    assert.deepEqual(
      [error.code, error.kind],
      ['DROVER_ERR_GIT_REVISION', 'stalled'],
      'not retried with backoff: only a new push brings it back',
    );
    return true;
  });
  assert.equal(await mirror.resolve('main'), base, 'other revisions keep working');
  assert.equal(await mirror.resolve('other'), base, 'a revision not followed yet is fetched on demand');

  const pinned = new MirrorSet(join(dir.path, 'mirrors-pinned'), [{ url: repo.path, revisions: [base] }]).get(
    repo.path,
  );
  assert.equal(await pinned.fetch(), true, 'a SHA not in the mirror fetches every branch');
  assert.equal(await pinned.resolve(base), base);
  renameSync(repo.path, `${repo.path}-gone`);
  assert.equal(
    await pinned.fetch(),
    false,
    'a pinned commit already present needs no remote call, not even to a vanished remote',
  );
  renameSync(`${repo.path}-gone`, repo.path);
});

test('a missing repository is a git error naming the command and the repository', async () => {
  const missing = join(dir.path, 'does-not-exist');
  const mirror = new MirrorSet(join(dir.path, 'mirrors')).get(missing);
  await assert.rejects(mirror.fetch(), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DROVER_ERR_GIT');
    assert.equal(error.message.split(' failed: ')[0], `git ls-remote for ${missing}`);
    assert.match(error.message, /does not appear to be a git repository/);
    return true;
  });
});
