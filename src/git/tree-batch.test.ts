import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { git, TestRepo, tempDir } from '../../test/helpers/git.js';
import { DEFAULT_SNAPSHOT_LIMITS, readTrees } from './snapshot.js';
import { TreeBatcher, type ReadTrees } from './tree-batch.js';

const dir = tempDir('drover-tree-batch-');
after(() => dir.cleanup());

const repo = new TestRepo(join(dir.path, 'repo'))
  .write('apps/a/x.nomad.hcl', 'job "a" {}\n')
  .write('apps/a/sub/y.json', '{}')
  .write('apps/b/z.nomad.hcl', 'job "b" {}\n')
  .write('apps/bad/ok.hcl', 'job "ok" {}\n');
symlinkSync('../../../etc/passwd', join(repo.path, 'apps/bad/out.hcl'));
repo.commit('apps');
const sha = git(repo.path, 'rev-parse', 'HEAD');

test('readTrees reads several app paths of one commit, each with its own files or its own error', async () => {
  const results = await readTrees(repo.path, repo.path, sha, ['apps/a', 'apps/b/', 'apps/bad', 'apps/none', '../x']);
  const files = (path: string) => {
    const result = results.get(path);
    assert.ok(result instanceof Map, `${path}: ${String(result)}`);
    return [...result.keys()].sort();
  };
  assert.deepEqual(files('apps/a'), ['apps/a/sub/y.json', 'apps/a/x.nomad.hcl']);
  assert.deepEqual(files('apps/b/'), ['apps/b/z.nomad.hcl'], 'a trailing slash names the same directory');
  assert.match(String(results.get('apps/none')), /path "apps\/none" does not exist at/, 'as a single read says');
  assert.match(String(results.get('apps/bad')), /symlink "apps\/bad\/out.hcl" points to/);
  assert.match(String(results.get('../x')), /leaves the repository/);
});

test('the batcher serves the requests that queue up meanwhile with one read per commit', async () => {
  const calls: string[][] = [];
  const counting: ReadTrees = (commit, paths, limits) => {
    calls.push(paths);
    return readTrees(repo.path, repo.path, commit, paths, limits);
  };
  const batcher = new TreeBatcher(counting, DEFAULT_SNAPSHOT_LIMITS);
  const [a, b, bad] = await Promise.allSettled([
    batcher.read(sha, 'apps/a'),
    batcher.read(sha, 'apps/b'),
    batcher.read(sha, 'apps/bad'),
  ]);
  assert.equal(calls.length, 1, 'one ls-tree and one cat-file for all three');
  assert.equal(a.status === 'fulfilled' && a.value.size, 2);
  assert.equal(b.status === 'fulfilled' && b.value.size, 1);
  assert.equal(bad.status, 'rejected', "one app's bad symlink fails that app only");
});
