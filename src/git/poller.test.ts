import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../../test/helpers/git.js';
import { waitFor } from '../../test/helpers/process.js';
import { MirrorSet } from './mirror.js';
import { RepoPoller } from './poller.js';

const dir = tempDir();
after(() => dir.cleanup());

test('each repository is checked once however it is spelled, and only a change is reported', async () => {
  const repo = new TestRepo(join(dir.path, 'jobs'));
  repo.write('a.json', '1').commit('one');
  const mirrors = new MirrorSet(join(dir.path, 'mirrors'));
  const changed: string[] = [];
  let fetches = 0;
  const poller = new RepoPoller({
    repos: [
      { url: repo.path, intervalMs: 60_000 },
      { url: `${repo.path}/`, intervalMs: 30_000 },
    ],
    mirror: (url) => ({ fetch: () => (fetches++, mirrors.get(url).fetch()) }),
    onChange: (url) => changed.push(url),
  });
  await Promise.all([poller.check(repo.path), poller.check(`file://${repo.path}`)]);
  assert.equal(fetches, 1, 'concurrent checks of one repository share one fetch');
  assert.deepEqual(changed, [repo.path], 'the first fetch is a change');
  await poller.check(repo.path);
  assert.deepEqual(changed, [repo.path], 'no change, no report');
  repo.write('a.json', '2').commit('two');
  await poller.check(repo.path);
  assert.deepEqual(changed, [repo.path, repo.path]);
  await poller.stop();
});

test('timers poll on the interval with jitter, errors are reported with the repository, and stop() ends polling', async () => {
  const repo = new TestRepo(join(dir.path, 'timed'));
  repo.write('a.json', '1').commit('one');
  const missing = join(dir.path, 'missing');
  const mirrors = new MirrorSet(join(dir.path, 'mirrors2'));
  const changed: string[] = [];
  const errors: string[] = [];
  const poller = new RepoPoller({
    repos: [
      { url: repo.path, intervalMs: 20 },
      { url: missing, intervalMs: 20 },
    ],
    mirror: (url) => mirrors.get(url),
    onChange: (url) => changed.push(url),
    onError: (url, error) => errors.push(`${url}: ${(error as Error).message}`),
    jitter: 0.5,
  });
  poller.start();
  await waitFor('first change', async () => changed.length > 0 || undefined);
  repo.write('a.json', '2').commit('two');
  await waitFor('second change', async () => changed.length > 1 || undefined);
  await waitFor('an error', async () => errors.length > 0 || undefined);
  assert.match(errors[0]!, new RegExp(`^${missing}: git ls-remote for ${missing} failed`));
  await poller.stop();
  const after = changed.length + errors.length;
  repo.write('a.json', '3').commit('three');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(changed.length + errors.length, after, 'nothing runs after stop()');
});
