import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../../test/helpers/git.js';
import { MirrorSet } from './mirror.js';

const dir = tempDir('drover-fetch-share-');
after(() => dir.cleanup());

test('a fetch started after a request serves it; a request made after a fetch started gets one more', async () => {
  const repo = new TestRepo(join(dir.path, 'repo')).write('a.txt', 'a');
  repo.commit('one');
  const mirror = new MirrorSet(join(dir.path, 'mirrors')).get(repo.path);
  await mirror.fetch();

  const askedAt = Date.now() - 1;
  const first = mirror.fetch();
  assert.equal(mirror.fetch(askedAt), first, 'asked before the running fetch started: it shares that fetch');
  const later = mirror.fetch(Date.now() + 1);
  assert.notEqual(later, first, 'asked after it started: one more fetch, since a new commit may have landed');
  await Promise.all([first, later]);

  assert.equal(
    mirror.fetch(askedAt),
    mirror.fetch(askedAt),
    'a finished fetch that started after the request serves it',
  );
  repo.write('b.txt', 'b').commit('two');
  assert.equal(await mirror.fetch(), true, 'a request made now fetches again and sees the new commit');
});
