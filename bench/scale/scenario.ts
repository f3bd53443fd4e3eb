// One scenario of the scale benchmark: N apps x 10 HCL jobs in one or several repositories,
// Drover (compiled, its own process) against the simulator (its own process) through a
// counting proxy, then the baselines on a fresh simulator.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/git.js';
import { NomadProxy } from '../../test/helpers/nomad-proxy.js';
import { createAdminToken, startDrover as spawnCli, waitFor, type Child } from '../../test/helpers/process.js';
import { ciPipeline, plainGitFetch, rawRoundTrip, renderThroughput } from './baselines.js';
import { cpuSeconds, DroverChild, FetchCounter } from './drover.js';
import { appName, JOBS_PER_APP, jobHcl, jobId, SECRET, World, type Scenario } from './fixture.js';
import { row, type Row, type ScenarioResult } from './report.js';

export type Rounds = { noChange: number; webhook: number; polling: number; drift: number; api: number };
/** `initialOnly`: measure the initial sync (and its baseline), nothing after it. */
export type Plan = Rounds & { initialOnly?: boolean };

const POLL_MS = 2000;
// A loaded 2-core machine needed more than 10 minutes for 10,000 jobs.
const SETTLE_TIMEOUT_MS = 1_200_000;

type AppsBody = { apps: Array<{ name: string; status: { sync: { status: string }; health: { status: string } } }> };
type NomadJobBody = { TaskGroups: Array<{ Tasks: Array<{ Config: { image: string } }> }> };

const startSim = () => spawnCli(['sim', '--port', '0'], /listening on (http:\/\/\S+)/, {}, { dist: true });

/** Runs one scenario and returns its rows; `goals` marks the rows the issue sets goals for. */
export async function runScenario(scenario: Scenario, rounds: Plan, goals: boolean): Promise<ScenarioResult> {
  const dir = tempDir(`drover-bench-${scenario.apps}x${scenario.repos}-`);
  const children: Array<Child | DroverChild> = [];
  let proxy: NomadProxy | undefined;
  try {
    const world = new World(dir.path, scenario);
    const sim = await startSim();
    children.push(sim);
    const simURL = sim.match[1]!;
    proxy = await NomadProxy.start(simURL);
    const file = join(dir.path, 'drover.json');
    writeFileSync(file, JSON.stringify(world.config(proxy.url, POLL_MS)));
    // The API needs a role: an admin token made offline, as an operator would before the first start.
    auth = { authorization: `Bearer ${createAdminToken(file)}` };
    const fetches = new FetchCounter(join(dir.path, 'git-trace2.json'));
    const started = performance.now();
    const drover = await DroverChild.start(file, { GIT_TRACE2_EVENT: fetches.file });
    children.push(drover);
    const ctx: Context = { world, drover, proxy, simURL, fetches, rounds, goals };
    const rows = await measureDrover(ctx, started);
    await drover.stop();
    await proxy.close();
    proxy = undefined;
    rows.push(...(await measureBaselines(ctx, dir.path, rows)));
    return {
      name: `${scenario.apps} apps x ${JOBS_PER_APP} jobs, ${scenario.repos === 1 ? 'one repository' : `${scenario.repos} repositories`}`,
      apps: scenario.apps,
      jobs: scenario.apps * JOBS_PER_APP,
      repos: scenario.repos,
      rows: order(rows),
    };
  } finally {
    await proxy?.close();
    for (const child of children.reverse()) await child.stop();
    dir.cleanup();
  }
}

type Context = {
  world: World;
  drover: DroverChild;
  proxy: NomadProxy;
  simURL: string;
  fetches: FetchCounter;
  rounds: Plan;
  goals: boolean;
};

const goal = (ctx: Context, text: string) => (ctx.goals ? { goal: text } : {});

/** The Authorization header of the scenario running now. */
let auth: Record<string, string> = {};

async function apps(url: string): Promise<AppsBody['apps']> {
  return ((await (await fetch(`${url}/api/v1/apps`, { headers: auth })).json()) as AppsBody).apps;
}

async function app(url: string, name: string): Promise<AppsBody['apps'][number]> {
  return (await (await fetch(`${url}/api/v1/apps/${name}`, { headers: auth })).json()) as AppsBody['apps'][number];
}

const isWrite = (c: { method: string; path: string }) =>
  (c.method === 'PUT' || c.method === 'POST' || c.method === 'DELETE') && !c.path.endsWith('/plan');

/**
 * Polls the whole app list until every app passes `test`: every half second, every second at
 * 1,000 apps. The list of a thousand apps costs Drover real work (over 100 ms a call before
 * the fixes of this branch), so asking more often would skew what is measured.
 */
async function untilEveryApp(
  url: string,
  what: string,
  test: (a: AppsBody['apps'][number]) => boolean,
  halfway?: () => Promise<void>,
) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const list = await apps(url).catch(() => []);
    if (list.length > 0 && list.every(test)) return;
    if (halfway && list.filter(test).length * 2 >= list.length && list.length > 0) {
      await halfway();
      halfway = undefined;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, list.length >= 1000 ? 1000 : 500));
  }
}

async function measureDrover(ctx: Context, started: number): Promise<Row[]> {
  const { drover, proxy } = ctx;
  const synced = (a: AppsBody['apps'][number]) => a.status.sync.status === 'Synced';
  await untilEveryApp(drover.url, 'every app synced', synced, () => snapshot(ctx, 'mid-sync'));
  const initialMs = performance.now() - started;
  const initialWrites = proxy.calls.filter(isWrite).length;
  await untilEveryApp(drover.url, 'every app healthy', (a) => a.status.health.status === 'Healthy');
  const healthyMs = performance.now() - started;
  await quiet(proxy);
  const rows: Row[] = [
    row('initial sync: start to every app Synced', 's', [initialMs / 1000], goal(ctx, '< 60 s')),
    row('initial sync: start to every app Healthy', 's', [healthyMs / 1000]),
    row('initial sync: Nomad writes', 'count', [initialWrites]),
    row('initial sync: Nomad requests', 'count', [proxy.calls.filter((c) => c.path !== '/v1/event/stream').length]),
    row('initial sync: Drover CPU', 's', [cpuSeconds(drover.process.pid!)]),
  ];
  if (ctx.rounds.initialOnly) {
    // What the initial sync asked Nomad, by kind: where its requests go, for profiling.
    const kinds = new Map<string, number>();
    for (const c of proxy.calls) {
      const k = `${c.method} ${c.path.replace(/\/v1\/job\/[^/]+/, '/v1/job/:id')}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    process.stdout.write(
      `${[...kinds]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n}\t${k}`)
        .join('\n')}\n`,
    );
    return rows;
  }
  rows.push(...(await noChange(ctx)));
  rows.push(...(await apiLatency(ctx)));
  rows.push(...(await commits(ctx, 'webhook')));
  rows.push(...(await commits(ctx, 'polling')));
  rows.push(...(await drift(ctx)));
  const peak = drover.rssMb('VmHWM');
  const memory = await drover.ask<{ peakMb: Record<string, number>; atPeakRssMb: Record<string, number> }>('memory');
  await snapshot(ctx, 'settled');
  const { heapUsedMb } = await drover.ask<{ heapUsedMb: number }>('gc');
  const { apps } = ctx.world.scenario;
  const rssGoal = apps >= 1000 ? { goal: '< 250 MB' } : apps >= 100 ? { goal: '< 200 MB' } : {};
  rows.push(row('peak RSS of the Drover process', 'MB', [peak], rssGoal));
  // What the peak was made of (process.memoryUsage() sampled every 100 ms in the child).
  const at = memory.atPeakRssMb;
  rows.push(row('RSS at its peak: JS heap in use', 'MB', [at.heapUsed ?? NaN]));
  rows.push(row('RSS at its peak: JS heap reserved', 'MB', [at.heapTotal ?? NaN]));
  rows.push(row('RSS at its peak: buffers outside the JS heap', 'MB', [at.external ?? NaN]));
  rows.push(row('RSS after a full GC', 'MB', [drover.rssMb('VmRSS')]));
  rows.push(row('JS heap in use after a full GC (live data)', 'MB', [heapUsedMb]));
  return rows;
}

/** With BENCH_HEAP_SNAPSHOT=DIR, writes a heap snapshot of the Drover process there (profiling only). */
async function snapshot(ctx: Context, when: string): Promise<void> {
  const dir = process.env.BENCH_HEAP_SNAPSHOT;
  if (!dir) return;
  const { apps, repos } = ctx.world.scenario;
  const file = join(dir, `drover-${apps}x${repos}-${when}.heapsnapshot`);
  await ctx.drover.ask('snapshot', { file });
  process.stdout.write(`heap snapshot: ${file}\n`);
}

/** Waits until Drover has made no Nomad call for a second (health-driven reconciles drained); bounded. */
async function quiet(proxy: NomadProxy): Promise<void> {
  const deadline = Date.now() + 60_000;
  let seen = -1;
  while (Date.now() < deadline) {
    const now = proxy.calls.length;
    if (now === seen) return;
    seen = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function noChange(ctx: Context): Promise<Row[]> {
  const runs: Array<{ wallMs: number; cpuMs: number; requests: number; writes: number; fetches: number }> = [];
  for (let n = 0; n < ctx.rounds.noChange; n++) {
    ctx.proxy.reset();
    const fetchesBefore = ctx.fetches.total();
    const result = await ctx.drover.ask<{ wallMs: number; cpuMs: number; outOfSync: string[] }>('resync');
    if (result.outOfSync.length > 0) throw new Error(`no-change reconcile found differences: ${result.outOfSync[0]}`);
    const calls = ctx.proxy.calls.filter((c) => c.path !== '/v1/event/stream');
    runs.push({
      wallMs: result.wallMs,
      cpuMs: result.cpuMs,
      requests: calls.length,
      writes: calls.filter(isWrite).length,
      fetches: ctx.fetches.total() - fetchesBefore,
    });
  }
  const jobs = ctx.world.scenario.apps * JOBS_PER_APP;
  const ci = { what: 'CI: writes per run', value: jobs };
  return [
    row(
      'no-change reconcile of every app: wall',
      'ms',
      runs.map((r) => r.wallMs),
      goal(ctx, '< 1 s'),
    ),
    row(
      'no-change reconcile: Drover CPU',
      'ms',
      runs.map((r) => r.cpuMs),
    ),
    row(
      'no-change reconcile: Nomad requests',
      'count',
      runs.map((r) => r.requests),
      { baseline: ci },
    ),
    row(
      'no-change reconcile: Nomad writes',
      'count',
      runs.map((r) => r.writes),
      { baseline: ci, ...goal(ctx, '0') },
    ),
    row(
      'no-change reconcile: git fetches',
      'count',
      runs.map((r) => r.fetches),
      { baseline: { what: 'repositories', value: ctx.world.scenario.repos } },
    ),
  ];
}

async function apiLatency(ctx: Context): Promise<Row[]> {
  const times: number[] = [];
  for (let n = 0; n < ctx.rounds.api; n++) {
    const t0 = performance.now();
    await apps(ctx.drover.url);
    times.push(performance.now() - t0);
  }
  return [row('GET /api/v1/apps latency', 'ms', times, goal(ctx, ''))];
}

/** The app changed by round `n`: apps in repository 0 for polling (the polled one), others spread for webhooks. */
function roundApp(ctx: Context, via: 'webhook' | 'polling', n: number): number {
  const { apps: count, repos } = ctx.world.scenario;
  if (via === 'polling') return (n * repos) % count;
  return (7 + n * 13) % count;
}

async function commits(ctx: Context, via: 'webhook' | 'polling'): Promise<Row[]> {
  const registered: number[] = [];
  const healthy: number[] = [];
  const writes: number[] = [];
  const count = via === 'webhook' ? ctx.rounds.webhook : ctx.rounds.polling;
  for (let n = 0; n < count; n++) {
    const a = roundApp(ctx, via, n);
    const image = `nginx:1.27-${via}${n}`;
    const id = jobId(a, 0);
    let index = (await readJob(ctx.simURL, id)).index;
    const repo = ctx.world.repoOf(a);
    repo.write(ctx.world.path(a, 0), jobHcl(a, 0, image)).commit(`${via} round ${n}`);
    ctx.proxy.reset();
    const t0 = performance.now();
    if (via === 'webhook') await pushHook(ctx.drover.url, repo.path);
    for (;;) {
      const answer = await readJob(ctx.simURL, id, index);
      index = answer.index;
      if (answer.job.TaskGroups[0]!.Tasks[0]!.Config.image === image) break;
      if (performance.now() - t0 > 60_000) throw new Error(`${via}: the change was not registered within 60 s`);
    }
    registered.push(performance.now() - t0);
    await waitFor(
      'the release healthy',
      async () => {
        const status = (await app(ctx.drover.url, appName(a))).status;
        return status.sync.status === 'Synced' && status.health.status === 'Healthy' ? true : undefined;
      },
      120_000,
    );
    healthy.push(performance.now() - t0);
    await quiet(ctx.proxy);
    writes.push(ctx.proxy.calls.filter(isWrite).length);
  }
  return commitRows(ctx, via, registered, healthy, writes);
}

function commitRows(ctx: Context, via: string, registered: number[], healthy: number[], writes: number[]): Row[] {
  const rows = [
    row(`one-job commit to registered, ${via}`, 'ms', registered, via === 'webhook' ? goal(ctx, 'p50 < 300 ms') : {}),
    row(`one-job commit to Healthy, ${via}`, 'ms', healthy),
  ];
  if (via === 'polling') rows[0]!.measure += ` (poll every ${POLL_MS / 1000} s)`;
  if (via === 'webhook') {
    const ci = { what: 'CI: writes per commit', value: ctx.world.scenario.apps * JOBS_PER_APP };
    rows.push(row('Nomad writes for a one-job commit', 'count', writes, { baseline: ci, ...goal(ctx, '1') }));
  }
  return rows;
}

/**
 * Reads a job from the simulator (a blocking query after `index`), retrying once when a pooled
 * keep-alive connection was closed under the request (a harness race, not Drover's).
 */
async function readJob(simURL: string, id: string, index?: number): Promise<{ job: NomadJobBody; index: number }> {
  const url = `${simURL}/v1/job/${id}${index === undefined ? '' : `?index=${index}&wait=10s`}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await fetch(url);
      const job = (await answer.json()) as NomadJobBody;
      return { job, index: Number(answer.headers.get('x-nomad-index')) };
    } catch (error) {
      if (attempt >= 3 || !(error instanceof TypeError)) throw error;
    }
  }
}

async function pushHook(url: string, repoPath: string): Promise<void> {
  const body = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: repoPath, default_branch: 'main' } });
  const answer = await fetch(`${url}/api/v1/webhooks/git`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  });
  if (answer.status !== 202) throw new Error(`webhook answered ${answer.status}`);
}

/** A job edited in Nomad behind git's back, until self-heal has put git's version back. */
async function drift(ctx: Context): Promise<Row[]> {
  const restored: number[] = [];
  const bytes: number[] = [];
  for (let n = 0; n < ctx.rounds.drift; n++) {
    const a = (3 + n * 17) % ctx.world.scenario.apps;
    const id = jobId(a, 1);
    const { job } = await readJob(ctx.simURL, id);
    const want = job.TaskGroups[0]!.Tasks[0]!.Config.image;
    job.TaskGroups[0]!.Tasks[0]!.Config.image = `drifted:${n}`;
    ctx.proxy.reset();
    const t0 = performance.now();
    const put = await fetch(`${ctx.simURL}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: job }) });
    let index = Number(put.headers.get('x-nomad-index'));
    for (;;) {
      const answer = await readJob(ctx.simURL, id, index);
      index = answer.index;
      if (answer.job.TaskGroups[0]!.Tasks[0]!.Config.image === want) break;
      if (performance.now() - t0 > 60_000) throw new Error('drift was not repaired within 60 s');
    }
    restored.push(performance.now() - t0);
    await waitFor('the app healthy again', async () =>
      (await app(ctx.drover.url, appName(a))).status.health.status === 'Healthy' ? true : undefined,
    );
    await quiet(ctx.proxy);
    bytes.push(ctx.proxy.bytes());
  }
  const list = await fetch(`${ctx.simURL}/v1/jobs?meta=true`);
  const listBytes = (await list.arrayBuffer()).byteLength;
  return [
    row('drift repaired by self-heal: change to restored', 'ms', restored, goal(ctx, '< 2 s')),
    row(
      'bytes read from Nomad per drift change (until settled)',
      'KB',
      bytes.map((b) => b / 1024),
      {
        baseline: { what: 'KB: one full job list (each change before)', value: listBytes / 1024 },
      },
    ),
  ];
}

async function measureBaselines(ctx: Context, dir: string, rows: Row[]): Promise<Row[]> {
  const sim = await startSim();
  try {
    const simURL = sim.match[1]!;
    const ci = await ciPipeline(ctx.world, simURL);
    const rtt = await rawRoundTrip(simURL, `/v1/job/${jobId(0, 0)}`, ctx.rounds.api);
    const fetchMs = plainGitFetch(ctx.world, dir);
    const render = renderThroughput(ctx.world);
    const set = (measure: string, baseline: { what: string; value: number }) => {
      const r = rows.find((x) => x.measure.startsWith(measure));
      if (r) Object.assign(r, { baseline, ratio: r.median / baseline.value });
    };
    set('initial sync: start to every app Synced', { what: 's: CI render + register all', value: ci.ms / 1000 });
    set('no-change reconcile of every app: wall', { what: 'ms: plain git fetch of every repo', value: fetchMs });
    set('one-job commit to registered, webhook', { what: 'ms: CI render + register all', value: ci.ms });
    set('GET /api/v1/apps latency', { what: 'ms: raw HTTP job read from the sim', value: rtt });
    return [
      row('render throughput, cold (first pass)', 'files/s', [render.coldPerS]),
      row('render throughput, warm (best later pass)', 'files/s', [render.warmPerS]),
    ];
  } finally {
    await sim.stop();
  }
}

/** Keeps rows in the order of the issue's list, whatever order they were measured in. */
function order(rows: Row[]): Row[] {
  const rank = (r: Row) => {
    const keys = [
      'initial',
      'no-change',
      'one-job commit to registered, webhook',
      'one-job commit to Healthy, webhook',
    ];
    const later = ['Nomad writes for', 'one-job commit', 'drift', 'bytes', 'render', 'peak', 'RSS', 'GET'];
    const k = keys.findIndex((key) => r.measure.startsWith(key));
    if (k >= 0) return k;
    const l = later.findIndex((key) => r.measure.startsWith(key));
    return l >= 0 ? keys.length + l : 99;
  };
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}
