import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim/server.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { NomadProxy } from '../helpers/nomad-proxy.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createAdminToken, getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';
import { SSEClient } from '../helpers/sse.js';
import { serviceJob } from '../helpers/stack.js';

// Short locks on a simulator whose floor is lowered (Nomad's is 10 s); every bound derives from these.
const TTL_MS = 2000;
const LOCK_DELAY_MS = 1000;
/** A takeover needs the TTL, the lock-delay and one follower retry (TTL/5); x4 for a loaded machine. */
const TAKEOVER_BOUND_MS = (TTL_MS + LOCK_DELAY_MS + TTL_MS / 5) * 4 + 5000;

type Instance = { name: string; proxy: NomadProxy; child: Child; url: string };
type LeaderView = { leader: boolean; url: string; leaderURL?: string };
type Run = { id: number; revision: string; result: string; trigger: string };

/** Job writes (register, deregister) that went through one instance's proxy. */
const jobWrites = (instance: Instance) =>
  instance.proxy.calls.filter((c) => ['PUT', 'POST', 'DELETE'].includes(c.method) && /^\/v1\/job\/[^/]+$/.test(c.path));
const image = async (sim: RunningSim) =>
  (await getJSON<{ TaskGroups?: Array<{ Tasks: Array<{ Config: { image: string } }> }> }>(`${sim.url}/v1/job/web`)).body
    ?.TaskGroups?.[0]?.Tasks[0]?.Config.image;

describe('failover: three drover servers on one simulator and one PostgreSQL', async () => {
  const server = await startTestPostgres();
  const skip = 'skip' in server ? server.skip : false;
  describe('with the shared store', { skip }, () => failover(server as TestPostgres));
});

function failover(pg: TestPostgres): void {
  const dir = tempDir('drover-failover-');
  const repo = new TestRepo(join(dir.path, 'repo'));
  const instances: Instance[] = [];
  let sim: RunningSim;
  /** Every instance's store: one database, named through the environment as in production. */
  const env: NodeJS.ProcessEnv = {};
  let token = '';

  before(async () => {
    env.DROVER_DATABASE_URL = await pg.newDatabase();
    sim = await startSim({ port: 0, minLockTtlMs: 1000, allocDelayMs: 20 });
    repo
      .write('jobs/web.json', serviceJob('web', { image: 'nginx:1.27' }))
      .write('services/api/api.json', serviceJob('api'))
      .commit('web 1.27, and api from the app set');
    for (const name of ['a', 'b', 'c']) proxies.set(name, await NomadProxy.start(sim.url));
    for (const name of ['a', 'b', 'c']) writeConfig(name);
    // One token for all three: it is made offline in the shared store, before any instance starts
    // (making it blocks this process, and the simulator in it, which would starve a leader's renewals).
    token = createAdminToken(configFile('a'), env);
    for (const name of ['a', 'b', 'c']) instances.push(await startInstance(name, token));
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.child.stop()));
    await Promise.all(instances.map((i) => i.proxy.close()));
    await sim?.close();
    await pg.stop();
    dir.cleanup();
  });

  const proxies = new Map<string, NomadProxy>();
  const configFile = (name: string) => join(dir.path, `${name}.json`);

  function writeConfig(name: string): string {
    const proxy = proxies.get(name)!;
    writeFileSync(
      configFile(name),
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, `data-${name}`),
        cluster: { default: { address: proxy.url } },
        repository: { jobs: { url: repo.path, poll_interval: '300ms' } },
        app: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true } } },
        app_set: {
          svc: {
            git_directories: { repository: 'jobs', revision: 'main', paths: ['services/*'] },
            template: { name: '${path.basename}', repository: 'jobs', revision: 'main', path: '${path}' },
          },
        },
        ha: { enabled: true, ttl: `${TTL_MS / 1000}s`, lock_delay: `${LOCK_DELAY_MS / 1000}s` },
        store: { postgres_url_env: 'DROVER_DATABASE_URL' },
      }),
    );
    return configFile(name);
  }

  async function startInstance(name: string, token: string): Promise<Instance> {
    const proxy = proxies.get(name)!;
    const child = await startDrover(['server', '--config', configFile(name)], /Drover listening on (http:\S+)/, env, {
      token,
    });
    return { name, proxy, child, url: child.match[1]! };
  }

  const history = async (i: Instance) =>
    (await getJSON<{ history: Run[] }>(`${i.url}/api/v1/apps/web/history`)).body.history;
  /** The images Nomad holds versions of, oldest first: a job written by two leaders would interleave them. */
  const versions = async () =>
    (
      await getJSON<{ Versions: Array<{ TaskGroups: Array<{ Tasks: Array<{ Config: { image: string } }> }> }> }>(
        `${sim.url}/v1/job/web/versions`,
      )
    ).body.Versions.map((v) => v.TaskGroups[0]!.Tasks[0]!.Config.image).reverse();

  const alive = () => instances.filter((i) => i.child.process.exitCode === null && i.child.process.signalCode === null);
  const view = async (i: Instance) => (await getJSON<LeaderView>(`${i.url}/api/v1/leader`)).body;

  /** The one leader every live instance agrees on. */
  const agreedLeader = (timeoutMs: number) =>
    waitFor(
      'one leader all instances name',
      async () => {
        const live = alive();
        const views = await Promise.all(live.map(view));
        const leaders = live.filter((_, n) => views[n]!.leader);
        if (leaders.length !== 1) return undefined;
        return views.every((v) => v.leader || v.leaderURL === leaders[0]!.url) ? leaders[0] : undefined;
      },
      timeoutMs,
    );

  test('one leader syncs; followers refuse writes naming it; after kill -9 mid-sync another takes over, marks the run Interrupted and syncs the next commit', async () => {
    const first = await agreedLeader(15_000);
    await waitFor('the leader to sync nginx:1.27', async () =>
      (await image(sim)) === 'nginx:1.27' ? true : undefined,
    );
    const follower = alive().find((i) => i !== first)!;
    const refused = await getJSON<{ error: { code: string; leader: string } }>(
      `${follower.url}/api/v1/apps/web/refresh`,
      {
        method: 'POST',
      },
    );
    assert.equal(refused.status, 503);
    assert.deepEqual([refused.body.error.code, refused.body.error.leader], ['DROVER_ERR_NOT_LEADER', first.url]);
    assert.equal((await getJSON(`${follower.url}/api/v1/apps/web`)).status, 200, 'followers serve reads');
    // A generated app is listed by every instance, and only the leader wrote its job.
    const generated = await waitFor('the follower to list the generated app', async () => {
      const res = await getJSON<{ appSet?: string; status: { sync: { status: string } } }>(
        `${follower.url}/api/v1/apps/api`,
      );
      return res.status === 200 && res.body.status.sync.status === 'Synced' ? res.body : undefined;
    });
    assert.equal(generated.appSet, 'svc');
    // The follower's list reads every status the leader saved (in one store read).
    const listed = await getJSON<{ apps: Array<{ name: string; status: { sync: { status: string } } }> }>(
      `${follower.url}/api/v1/apps`,
    );
    assert.deepEqual(listed.body.apps.map((a) => [a.name, a.status.sync.status]).sort(), [
      ['api', 'Synced'],
      ['web', 'Synced'],
    ]);
    const apiWrites = (i: Instance) => i.proxy.calls.filter((c) => c.method !== 'GET' && c.path === '/v1/job/api');
    assert.deepEqual(
      instances.map((i) => apiWrites(i).length),
      instances.map((i) => (i === first ? 1 : 0)),
    );

    // The leader's next register never reaches Nomad: it dies while its sync of 1.28 is Running.
    first.proxy.hold(['PUT', 'POST'], /^\/v1\/job\/web$/);
    const r128 = repo.write('jobs/web.json', serviceJob('web', { image: 'nginx:1.28' })).commit('web 1.28');
    const running = await waitFor('a follower to see the leader run 1.28 in the shared store', async () =>
      (await history(follower)).find((r) => r.revision === r128 && r.result === 'Running'),
    );
    // Both followers' event streams are open: whichever does not take over relays the new leader's statuses.
    const streams = await Promise.all(
      alive()
        .filter((i) => i !== first)
        .map(async (i) => ({
          i,
          stream: await SSEClient.open(`${i.url}/api/v1/events`, { authorization: `Bearer ${token}` }),
        })),
    );
    first.child.process.kill('SIGKILL');
    const killedAt = Date.now();
    const second = await agreedLeader(TAKEOVER_BOUND_MS);
    const takeoverMs = Date.now() - killedAt;
    await waitFor('the new leader to sync nginx:1.28', async () =>
      (await image(sim)) === 'nginx:1.28' ? true : undefined,
    );
    process.stdout.write(
      `# takeover after kill -9: ${takeoverMs} ms (TTL ${TTL_MS} ms, lock-delay ${LOCK_DELAY_MS} ms)\n`,
    );
    assert.ok(takeoverMs < TAKEOVER_BOUND_MS);

    // No job was written by two leaders: the first wrote only before it died, the second only after,
    // and Nomad holds one version per commit, in commit order.
    assert.ok(jobWrites(first).length > 0 && jobWrites(first).every((c) => c.at < killedAt));
    assert.ok(jobWrites(second).length > 0 && jobWrites(second).every((c) => c.at >= killedAt));
    for (const other of instances.filter((i) => i !== first && i !== second))
      assert.equal(jobWrites(other).length, 0, `${other.name} never led and never wrote`);
    assert.deepEqual(await versions(), ['nginx:1.27', 'nginx:1.28']);

    // History is one record across leaders, the same on every instance: the first leader's runs, its
    // interrupted one, then the new leader's, in one id sequence.
    const seen = await waitFor('the new leader to record its sync of 1.28', async () => {
      const runs = await history(second);
      return runs.some((r) => r.revision === r128 && r.result === 'Succeeded') ? runs : undefined;
    });
    const interrupted = seen.find((r) => r.id === running.id)!;
    assert.equal(interrupted.result, 'Interrupted', 'the run the killed leader left Running');
    const synced = seen.find((r) => r.revision === r128 && r.result === 'Succeeded')!;
    assert.ok(synced.id > interrupted.id);
    assert.ok(
      seen.some((r) => r.id < interrupted.id && r.result === 'Succeeded'),
      "the first leader's sync of 1.27",
    );
    // (Compared by run, revision and result: the leader goes on attaching deployments to its run meanwhile.)
    const outline = (runs: Run[]) => runs.map((r) => [r.id, r.revision, r.result]);
    for (const other of alive())
      assert.deepEqual(outline(await history(other)), outline(seen), `${other.name} shows the same history`);

    // Live events on every instance: the follower's stream relays the status the new leader saved.
    for (const { i, stream } of streams) {
      try {
        const event = await stream.waitFor((e) => {
          const data = e.event === 'app.status' ? JSON.parse(e.data) : undefined;
          return data?.app === 'web' && data.status.sync.revision === r128;
        });
        assert.ok(event, `${i.name}${i === second ? ' (the new leader)' : ' (a follower)'} streamed web at 1.28`);
      } finally {
        stream.close();
      }
    }
  });

  test('a leader cut off from renewals stops writing and exits; the last instance takes over and syncs', async () => {
    const leader = await agreedLeader(TAKEOVER_BOUND_MS);
    leader.proxy.fail(/^\/v1\/var\//, 500, { query: /lock-renew/ });
    const cutAt = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      if (leader.child.process.exitCode !== null) resolve(leader.child.process.exitCode);
      leader.child.process.once('exit', (c) => resolve(c));
    });
    assert.equal(code, 3, 'a deposed leader exits so its scheduler restarts it as a follower');
    assert.match(leader.child.output(), /leadership lost/);
    const stoppedAt = Date.now();
    const r129 = repo.write('jobs/web.json', serviceJob('web', { image: 'nginx:1.29' })).commit('web 1.29');
    const last = await agreedLeader(TAKEOVER_BOUND_MS);
    assert.notEqual(last, leader);
    await waitFor('the last leader to sync nginx:1.29', async () =>
      (await image(sim)) === 'nginx:1.29' ? true : undefined,
    );
    assert.ok(
      jobWrites(leader).every((c) => c.at < stoppedAt),
      'nothing written after it stepped down',
    );
    assert.ok(
      jobWrites(last).every((c) => c.at > cutAt),
      'the new leader wrote only after the cut',
    );
    assert.deepEqual(await versions(), ['nginx:1.27', 'nginx:1.28', 'nginx:1.29']);
    const runs = await waitFor('the last leader to record its sync of 1.29', async () => {
      const seen = await history(last);
      return seen.some((r) => r.revision === r129 && r.result === 'Succeeded') ? seen : undefined;
    });
    assert.equal(runs.filter((r) => r.result === 'Running').length, 0, 'no run is left Running');
    assert.equal(runs.filter((r) => r.result === 'Interrupted').length, 1, 'only the kill -9 interrupted a run');
  });
}
