import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { symlinkSync } from 'node:fs';
import { TestRepo, git, tempDir } from '../../test/helpers/git.js';
import { MirrorSet } from './mirror.js';

const dir = tempDir();
after(() => dir.cleanup());

test('resolves branches, tags, short and full SHAs and HEAD, and reads snapshots without a work tree', async () => {
  const repo = new TestRepo(join(dir.path, 'origin'));
  const first = repo.write('apps/web/web.json', '{"ID":"web"}').write('apps/api/api.json', '{"ID":"api"}').write('top.txt', 'x').commit('first');
  git(repo.path, 'tag', 'v1');
  const second = repo.write('apps/web/web.json', '{"ID":"web2"}').commit('second');
  symlinkSync('../../top.txt', join(repo.path, 'apps/web/link.json'));
  const third = repo.commit('add a symlink');

  const mirrors = new MirrorSet(join(dir.path, 'mirrors'));
  const mirror = mirrors.get(repo.path);
  assert.equal(mirrors.get(repo.path), mirror, 'one mirror per URL');
  await Promise.all([mirror.fetch(), mirror.fetch()]);
  assert.equal(await mirror.resolve('main'), third);
  assert.equal(await mirror.resolve('HEAD'), third);
  assert.equal(await mirror.resolve('v1'), first);
  assert.equal(await mirror.resolve(second), second);
  assert.equal(await mirror.resolve(second.slice(0, 10)), second);
  await assert.rejects(mirror.resolve('nope'), /revision "nope" not found/);

  const snap = await mirror.snapshot(third, 'apps/web');
  assert.deepEqual([...snap.files.keys()], ['apps/web/web.json'], 'symlinks are not followed');
  assert.equal(snap.files.get('apps/web/web.json')!.toString(), '{"ID":"web2"}');
  assert.equal(snap.commit.subject, 'add a symlink');
  assert.equal(snap.commit.author, 'Test Author');
  assert.equal((await mirror.snapshot(first, 'apps/web')).files.get('apps/web/web.json')!.toString(), '{"ID":"web"}');
  assert.equal((await mirror.snapshot(first, '.')).files.size, 3);
  await assert.rejects(mirror.snapshot(first, '../etc'), /leaves the repository/);
});

test('a missing repository is a git error naming the command', async () => {
  const mirror = new MirrorSet(join(dir.path, 'mirrors')).get(join(dir.path, 'does-not-exist'));
  await assert.rejects(mirror.fetch(), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'DROVER_ERR_GIT');
    assert.match(error.message, /^git fetch .* failed: /);
    return true;
  });
});
