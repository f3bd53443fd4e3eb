import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startSim } from '../../sim/server.js';
import { openDatabase } from '../../src/store/db.js';
import { startSyncRun } from '../../src/store/sync-runs.js';
import { waitFor } from '../helpers/process.js';
import { Stack, serviceJob } from '../helpers/stack.js';

/** A free loopback port, found by binding port 0 and letting it go. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('failures of git and Nomad', () => {
  const stacks: Stack[] = [];
  after(async () => {
    for (const stack of stacks) await stack.stop();
  });

  test('given git unreachable, the app is Unknown, names the command, and nothing is pruned', async () => {
    const stack = await Stack.start(
      {
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: { automated: true, prune: true, allow_empty: true },
          },
        },
      },
      (repo) => {
        repo.write('jobs/web.json', serviceJob('web')).commit('web');
      },
    );
    stacks.push(stack);
    await stack.refresh('web');
    const moved = `${stack.repo.path}-moved`;
    renameSync(stack.repo.path, moved);
    const { body: app } = await stack.refresh('web');
    assert.equal(app.status.sync.status, 'Unknown');
    assert.match(app.status.conditions[0].message, /git fetch .* failed/);
    assert.equal((await stack.nomad('/v1/job/web')).body.Stop, false);
    renameSync(moved, stack.repo.path);
    assert.equal((await stack.refresh('web')).body.status.sync.status, 'Synced');
  });

  test('given Nomad down at start, the app is Unknown and recovers by itself through backoff retries', async () => {
    const port = await freePort();
    const stack = await Stack.start(
      {
        nomadAddress: `http://127.0.0.1:${port}`,
        apps: {
          web: {
            repository: 'jobs',
            revision: 'main',
            path: 'jobs',
            sync: { automated: true, retry: { limit: 50, backoff: '100ms', factor: 1.5, max_backoff: '400ms' } },
          },
        },
      },
      (repo) => {
        repo.write('jobs/web.json', serviceJob('web')).commit('web');
      },
    );
    stacks.push(stack);
    const down = await waitFor('Unknown while Nomad is down', async () => {
      const { body } = await stack.api('/api/v1/apps/web');
      return body.status.sync.status === 'Unknown' && body.status.conditions.length > 0 ? body : undefined;
    });
    assert.match(down.status.conditions[0].message, /ECONNREFUSED/);
    const sim = await startSim({ port });
    try {
      // No trigger from here on: the controller's retry must find Nomad back (refresh interval is 1h).
      await waitFor('synced after Nomad came back', async () =>
        (await stack.api('/api/v1/apps/web')).body.status.sync.status === 'Synced' ? true : undefined,
      );
      assert.equal((await fetch(`${sim.url}/v1/job/web`)).status, 200);
    } finally {
      await stack.drover.stop();
      await sim.close();
    }
  });

  test('given a restart after a crash mid-sync and a deleted database, state is re-derived and nothing is re-registered', async () => {
    const stack = await Stack.start(
      { apps: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } } } },
      (repo) => {
        repo.write('jobs/a.json', serviceJob('a')).write('jobs/b.json', serviceJob('b')).commit('a and b');
      },
    );
    stacks.push(stack);
    const { body: synced } = await stack.refresh('web');
    assert.equal(synced.status.sync.status, 'Synced');
    const versions = async () => [
      (await stack.nomad('/v1/job/a')).body.JobModifyIndex,
      (await stack.nomad('/v1/job/b')).body.JobModifyIndex,
    ];
    const before = await versions();

    // A crash mid-sync leaves a Running run behind.
    await stack.drover.stop();
    const dbFile = join(stack.dir.path, 'data', 'drover.db');
    const db = openDatabase(dbFile);
    const crashed = startSyncRun(db, {
      app: 'web',
      trigger: 'poll',
      revision: synced.status.sync.revision,
      startedAt: new Date().toISOString(),
    });
    db.close();
    await stack.startDrover();
    const { body: history } = await stack.api('/api/v1/apps/web/history');
    assert.equal(history.history.find((r: { id: number }) => r.id === crashed).result, 'Interrupted');
    assert.equal((await stack.refresh('web')).body.status.sync.status, 'Synced');

    // Losing the database loses history, never correctness.
    await stack.drover.stop();
    rmSync(join(stack.dir.path, 'data'), { recursive: true });
    await stack.startDrover();
    const { body: after } = await stack.refresh('web');
    assert.equal(after.status.sync.status, 'Synced');
    assert.equal(after.status.sync.revision, synced.status.sync.revision);
    assert.deepEqual((await stack.api('/api/v1/apps/web/history')).body.history, []);
    assert.deepEqual(await versions(), before, 'no job was registered again');
  });
});
