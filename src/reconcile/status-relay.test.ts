import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pino from 'pino';
import type { AppStatus } from '../domain/app.js';
import { SqliteStore } from '../store/sqlite/adapter.js';
import { tempDir } from '../../test/helpers/git.js';
import type { DroverEvent } from './events.js';
import { StatusRelay } from './status-relay.js';

const status = (revision: string, health: 'Healthy' | 'Progressing', runId?: number): AppStatus => ({
  sync: { status: 'Synced', revision },
  health: { status: health },
  jobs: [],
  conditions: [],
  ...(runId === undefined
    ? {}
    : {
        lastSync: {
          id: runId,
          revision,
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: '2026-01-01T00:00:01.000Z',
          result: 'Succeeded' as const,
        },
      }),
});

test('a follower relays what the leader saves: status changes and finished syncs, nothing for what was there at start', async () => {
  const dir = tempDir('drover-relay-');
  const file = join(dir.path, 'drover.db');
  const leader = SqliteStore.open(file);
  const follower = SqliteStore.open(file);
  try {
    await leader.saveAppStatus('web', status('a', 'Healthy', 1), new Date('2026-01-01T00:00:01Z'));
    const events: DroverEvent[] = [];
    const relay = new StatusRelay({
      store: follower,
      events: { emit: (e) => events.push(e) },
      intervalMs: 1000,
      logger: pino({ level: 'silent' }),
    });
    await relay.poll();
    assert.equal(events.length, 0, 'the status found at start is the baseline');

    await leader.saveAppStatus('web', status('b', 'Progressing', 2), new Date('2026-01-01T00:00:02Z'));
    await leader.saveAppStatus('api', status('a', 'Healthy'), new Date('2026-01-01T00:00:03Z'));
    await relay.poll();
    assert.deepEqual(
      events.map((e) => [e.type, e.app, e.type === 'sync.finished' ? e.run : undefined]),
      [
        ['sync.finished', 'web', 2],
        ['app.status', 'web', undefined],
        ['app.status', 'api', undefined],
      ],
    );
    const web = events.find((e) => e.type === 'app.status' && e.app === 'web');
    assert.equal(web?.type === 'app.status' && web.status.health.status, 'Progressing');

    events.length = 0;
    await relay.poll();
    assert.equal(events.length, 0, 'statuses re-read within the clock-skew window make no second event');
  } finally {
    await leader.close();
    await follower.close();
    dir.cleanup();
  }
});
