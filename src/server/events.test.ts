import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { SSEClient } from '../../test/helpers/sse.js';
import type { AuthEnv, Principal } from './auth/principal.js';
import { EventHub, registerEvents } from './events.js';
import { listen, type Listening } from './listen.js';

const finished = (app: string, run: number) => ({
  type: 'sync.finished' as const,
  app,
  run,
  result: 'Succeeded' as const,
});

describe('the event hub', () => {
  test('keeps a bounded ring with increasing IDs and says when a resume point fell out of it', () => {
    const hub = new EventHub(3, 100);
    for (let run = 1; run <= 5; run++) hub.emit(finished('a', run));
    assert.deepEqual(
      hub.since(102).events.map((e) => e.id),
      [103, 104],
    );
    assert.equal(hub.since(102).complete, true);
    assert.equal(hub.since(101).complete, true, 'it missed 102 to 104, all still there');
    assert.equal(hub.since(100).complete, false, 'event 101 was dropped from the ring');
    assert.equal(hub.since(999).complete, false, 'an ID from another process');
    assert.deepEqual(hub.since(104), { events: [], complete: true });
  });
});

describe('GET /api/v1/events over real HTTP', () => {
  const hub = new EventHub();
  let server: Listening;
  before(async () => {
    const app = new Hono<AuthEnv>();
    // Stands in for authentication: the test names the caller's scope in a header.
    app.use(async (c, next) => {
      const apps = c.req.header('x-test-scope')?.split(',') ?? [];
      const principal: Principal = { kind: 'token', id: 't1', role: 'viewer', apps };
      c.set('principal', principal);
      await next();
    });
    registerEvents(app, { hub, heartbeatMs: 50 });
    server = await listen(app, '127.0.0.1', 0);
  });
  after(() => server.close());

  test('each caller sees only the apps in its scope, live and on resume; heartbeats keep the stream alive', async () => {
    const scoped = await SSEClient.open(`${server.url}/api/v1/events`, { 'x-test-scope': 'team-*' });
    const everyone = await SSEClient.open(`${server.url}/api/v1/events`);
    try {
      hub.emit(finished('other', 1));
      hub.emit(finished('team-web', 2));
      await scoped.waitFor((e) => JSON.parse(e.data).app === 'team-web');
      await everyone.waitFor((e) => JSON.parse(e.data).app === 'team-web');
      assert.ok(!scoped.events.some((e) => JSON.parse(e.data).app === 'other'));
      assert.ok(everyone.events.some((e) => JSON.parse(e.data).app === 'other'));
      const deadline = Date.now() + 10_000;
      while (!scoped.comments.includes('heartbeat') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.ok(scoped.comments.includes('heartbeat'));
    } finally {
      scoped.close();
      everyone.close();
    }
    const first = everyone.events[0]!.id!;
    const resumed = await SSEClient.open(`${server.url}/api/v1/events`, {
      'x-test-scope': 'team-*',
      'last-event-id': String(Number(first) - 1),
    });
    try {
      await resumed.waitFor((e) => JSON.parse(e.data).app === 'team-web');
      assert.deepEqual(
        resumed.events.map((e) => JSON.parse(e.data).app),
        ['team-web'],
      );
    } finally {
      resumed.close();
    }
  });

  test('closing the hub ends open streams, so the server can stop', async () => {
    const stream = await SSEClient.open(`${server.url}/api/v1/events`);
    hub.close();
    assert.equal(await stream.ended(), true);
  });
});
