import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../helpers/git.js';
import { Stack, serviceJob } from '../helpers/stack.js';

const JOBS = ['a', 'b', 'c', 'd', 'e'];
const conditionOf = (view: { status: { conditions: Array<{ type: string; message: string }> } }, type: string) =>
  view.status.conditions.find((c) => c.type === type);

// Git going wrong under an app that prunes: each fault is reported, and nothing is pruned unless the policy allows it.
describe('fault: git', () => {
  let stack: Stack;
  let good: string;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } },
          rel: { repository: 'jobs', revision: 'release', path: 'rel', sync: { automated: true, prune: true } },
        },
      },
      (repo) => {
        for (const id of JOBS) repo.write(`jobs/${id}.json`, serviceJob(id));
        repo.write('rel/r.json', serviceJob('r'));
        good = repo.commit('five jobs and a release job');
        git(repo.path, 'branch', 'release');
      },
    );
    await stack.waitForApp('web', 'Synced', (v) => v.status.sync.status === 'Synced');
    await stack.waitForApp('rel', 'Synced', (v) => v.status.sync.status === 'Synced');
  });
  after(() => stack.stop());

  const nothingPruned = async () => {
    for (const id of [...JOBS, 'r']) {
      const { status, body } = await stack.nomad(`/v1/job/${id}`);
      assert.deepEqual([status, body.Stop], [200, false], `${id} is still running`);
    }
  };
  const restore = async () => {
    git(stack.repo.path, 'reset', '-q', '--hard', good);
    const { body } = await stack.refresh('web');
    assert.equal(body.status.sync.status, 'Synced');
  };

  test('given a force-push of unrelated history that keeps one job, then the prune guard holds and says how many', async () => {
    // Given: main replaced by a history of its own that has only jobs/a.json.
    const repo = stack.repo.path;
    git(repo, 'checkout', '-q', '--orphan', 'unrelated');
    git(repo, 'rm', '-rqf', '.');
    stack.repo.write('jobs/a.json', serviceJob('a')).commit('unrelated history');
    git(repo, 'branch', '-f', 'main', 'HEAD');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'branch', '-q', '-D', 'unrelated');
    // When: Drover sees it.
    const { body: app } = await stack.refresh('web');
    // Then: 4 of 5 owned jobs would go, more than half: nothing is pruned, and the app says so.
    assert.equal(app.status.sync.status, 'OutOfSync');
    assert.match(
      conditionOf(app, 'PruneSkipped')!.message,
      /pruning 4 of the app's 5 job\(s\) at once exceeds max_prune/,
    );
    await nothingPruned();
    await restore();
  });

  test("given the app's path removed in a commit, then SourcePathMissing and nothing is pruned", async () => {
    git(stack.repo.path, 'rm', '-rq', 'jobs');
    stack.repo.commit('remove the whole folder');
    const { body: app } = await stack.refresh('web');
    assert.equal(app.status.sync.status, 'Unknown');
    assert.match(conditionOf(app, 'SourcePathMissing')!.message, /path "jobs" does not exist at [0-9a-f]{12}/);
    await nothingPruned();
    await restore();
  });

  test("given the app's directory moved, then SourcePathMissing and nothing is pruned", async () => {
    git(stack.repo.path, 'mv', 'jobs', 'deploy');
    stack.repo.commit('jobs/ is now deploy/');
    const { body: app } = await stack.refresh('web');
    assert.ok(conditionOf(app, 'SourcePathMissing'), JSON.stringify(app.status.conditions));
    await nothingPruned();
    await restore();
  });

  test('given the branch deleted, then the app is Unknown naming the revision and nothing is pruned', async () => {
    git(stack.repo.path, 'branch', '-q', '-D', 'release');
    const { body: app } = await stack.refresh('rel');
    assert.equal(app.status.sync.status, 'Unknown');
    assert.match(app.status.conditions[0].message, /release/);
    await nothingPruned();
    git(stack.repo.path, 'branch', 'release', good);
    assert.equal((await stack.refresh('rel')).body.status.sync.status, 'Synced');
  });

  test('given the repository deleted (and the git server gone), then every app on it is Unknown and nothing is pruned', async () => {
    const moved = join(stack.dir.path, 'repo-gone');
    renameSync(stack.repo.path, moved);
    try {
      for (const name of ['web', 'rel']) {
        const { body: app } = await stack.refresh(name);
        assert.equal(app.status.sync.status, 'Unknown');
        assert.match(app.status.conditions[0].message, /git fetch .* failed/);
      }
      await nothingPruned();
    } finally {
      rmSync(stack.repo.path, { recursive: true, force: true });
      renameSync(moved, stack.repo.path);
    }
    assert.equal((await stack.refresh('web')).body.status.sync.status, 'Synced');
  });
});
