// Reconcile engine benchmark (loopback only): 100 apps x 10 HCL jobs in one git repository,
// Drover in this process, the Nomad simulator in a child process, a counting proxy between them.
// Measures the initial sync, a no-change reconcile of every app (wall, CPU, Nomad calls and
// writes), commit-to-registered latency through a push webhook, and this process's peak RSS.
// Run with `npm run bench` (or `npm run bench -- reconcile`); writes bench/results/reconcile.json.
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import { startDrover as startServer } from '../src/main.js';
import { TestRepo, tempDir } from '../test/helpers/git.js';
import { NomadProxy } from '../test/helpers/nomad-proxy.js';
import { startDrover as spawnDrover, waitFor } from '../test/helpers/process.js';

const APPS = 100;
const JOBS = 10;
const NO_CHANGE_ROUNDS = 3;
const WEBHOOK_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SECRET = 'bench-webhook-secret';
/** The heap settings the README suggests for small machines. */
const CAPPED_HEAP = '--max-old-space-size=160 --max-semi-space-size=2';

setTimeout(() => {
  process.stderr.write('reconcile bench: timed out after 8 minutes\n');
  process.exit(1);
}, 480_000).unref();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;
const appName = (i: number) => `app-${String(i).padStart(3, '0')}`;

/** A service job in HCL with a variable and a function call, so rendering is part of the cost. */
function jobHcl(app: number, job: number, image = 'nginx:1.27'): string {
  return `variable "image" {
  type    = string
  default = "${image}"
}

job "a${app}-j${job}" {
  datacenters = ["dc1"]
  meta = { team = "team-${app % 7}" }

  group "main" {
    count = 1
    network {
      port "http" { to = 8080 }
    }
    task "app" {
      driver = "docker"
      config {
        image = var.image
        ports = ["http"]
      }
      env { NAME = upper("a${app}-j${job}") }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
`;
}

const dir = tempDir('drover-bench-reconcile-');
const repo = new TestRepo(join(dir.path, 'repo'));
for (let a = 0; a < APPS; a++)
  for (let j = 0; j < JOBS; j++) repo.write(`apps/${appName(a)}/j${j}.nomad.hcl`, jobHcl(a, j));
repo.commit('100 apps');
writeFileSync(join(dir.path, 'hook'), SECRET);

const sim = await spawnDrover(['sim', '--port', '0'], /listening on (http:\/\/\S+)/);
const proxy = await NomadProxy.start(sim.match[1]!);
const simURL = sim.match[1]!;

const configJson = {
  listen: '127.0.0.1:0',
  data_dir: join(dir.path, 'data'),
  refresh_interval: '1h',
  ...(process.env.BENCH_CONCURRENCY ? { reconcile_concurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
  cluster: { default: { address: proxy.url } },
  repository: { jobs: { url: repo.path, poll_interval: '1h', webhook_secret_file: join(dir.path, 'hook') } },
  app: Object.fromEntries(
    Array.from({ length: APPS }, (_, a) => [
      appName(a),
      { repository: 'jobs', revision: 'main', path: `apps/${appName(a)}`, sync: { automated: true, prune: true } },
    ]),
  ),
};
const config = parseConfig(JSON.stringify(configJson), join(dir.path, 'drover.json'), { env: {} });

type AppsBody = { apps: Array<{ name: string; status: { sync: { status: string }; health: { status: string } } }> };
const apps = async () => ((await (await fetch(`${drover.url}/api/v1/apps`)).json()) as AppsBody).apps;

const callSummary = () => {
  const calls = proxy.calls;
  const isWrite = (m: string) => m === 'PUT' || m === 'POST' || m === 'DELETE';
  return {
    total: calls.length,
    writes: calls.filter((c) => isWrite(c.method) && !c.path.endsWith('/plan')).length,
    jobLists: calls.filter((c) => c.method === 'GET' && c.path === '/v1/jobs' && !/\bindex=/.test(c.query)).length,
    blockingLists: calls.filter((c) => c.method === 'GET' && c.path === '/v1/jobs' && /\bindex=/.test(c.query)).length,
    jobReads: calls.filter((c) => c.method === 'GET' && /^\/v1\/job\/[^/]+$/.test(c.path)).length,
    healthReads: calls.filter((c) => c.method === 'GET' && /\/(deployments|allocations)$/.test(c.path)).length,
  };
};

/** Kilobytes of a process's peak resident set (VmHWM) or current one (VmRSS), from /proc. */
function procKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.replace(/\D+/g, '') ?? 0);
}

/**
 * The memory goal is about Drover, not this harness: the same 100 apps synced by a `drover server`
 * child against a fresh simulator, then five pushes, and that process's peak resident set.
 */
async function serverPeakRss(nodeOptions?: string): Promise<{ peakMb: number; baseMb: number }> {
  const freshSim = await spawnDrover(['sim', '--port', '0'], /listening on (http:\/\/\S+)/);
  const work = join(dir.path, 'server');
  mkdirSync(work, { recursive: true });
  const file = join(work, 'drover.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...configJson,
      data_dir: join(work, 'data'),
      cluster: { default: { address: freshSim.match[1]! } },
    }),
  );
  const child = await spawnDrover(['server', '--config', file], /listening on (http:\/\/\S+)/, {
    DROVER_LOG_LEVEL: 'warn',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  });
  try {
    const pid = child.process.pid!;
    const baseMb = procKb(pid, 'VmRSS') / 1024;
    const url = child.match[1]!;
    const list = async () => ((await (await fetch(`${url}/api/v1/apps`)).json()) as AppsBody).apps;
    await waitFor(
      'the server synced every app',
      async () => ((await list()).every((a) => a.status.sync.status === 'Synced') ? true : undefined),
      300_000,
    );
    for (let round = 0; round < 5; round++) {
      repo
        .write(`apps/${appName(7)}/j1.nomad.hcl`, jobHcl(7, 1, `nginx:1.27-s${round}`))
        .commit(`server round ${round}`);
      const body = JSON.stringify({
        ref: 'refs/heads/main',
        repository: { clone_url: repo.path, default_branch: 'main' },
      });
      await fetch(`${url}/api/v1/webhooks/git`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
      });
      await waitFor('the push synced', async () =>
        (await list()).find((a) => a.name === appName(7))!.status.sync.status === 'Synced' ? true : undefined,
      );
    }
    return { peakMb: procKb(pid, 'VmHWM') / 1024, baseMb };
  } finally {
    await child.stop();
    await freshSim.stop();
  }
}

const started = performance.now();
const drover = await startServer(
  config,
  process.env.BENCH_LOG ? pino({ level: 'debug' }, pino.destination(2)) : pino({ level: 'silent' }),
);

try {
  await waitFor(
    'every app synced',
    async () => ((await apps()).every((a) => a.status.sync.status === 'Synced') ? true : undefined),
    300_000,
  );
  const initialMs = performance.now() - started;
  const initialCalls = callSummary();
  await waitFor(
    'every app healthy',
    async () => ((await apps()).every((a) => a.status.health.status === 'Healthy') ? true : undefined),
    300_000,
  );
  await new Promise((r) => setTimeout(r, 2000)); // let health-driven reconciles drain

  const names = Array.from({ length: APPS }, (_, a) => appName(a));
  const noChange: Array<{ wallMs: number; cpuMs: number; calls: ReturnType<typeof callSummary> }> = [];
  for (let round = 0; round < NO_CHANGE_ROUNDS; round++) {
    proxy.reset();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const outcomes = await Promise.all(names.map((name) => drover.controller!.trigger(name, { trigger: 'resync' })));
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    if (outcomes.some((o) => o.status.sync.status !== 'Synced'))
      throw new Error('a no-change reconcile found a difference');
    noChange.push({ wallMs, cpuMs: (used.user + used.system) / 1000, calls: callSummary() });
  }

  // Commit to registered: one job of one app changes; the webhook names the repository.
  const latencies: number[] = [];
  for (let round = 0; round < WEBHOOK_ROUNDS; round++) {
    const jobId = 'a50-j0';
    let index = Number((await fetch(`${simURL}/v1/job/${jobId}`)).headers.get('x-nomad-index'));
    repo.write(`apps/${appName(50)}/j0.nomad.hcl`, jobHcl(50, 0, `nginx:1.27-r${round}`)).commit(`round ${round}`);
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: repo.path, default_branch: 'main' },
    });
    const t0 = performance.now();
    if (process.env.BENCH_LOG) process.stderr.write(`HOOK ${Date.now()}\n`);
    const hook = await fetch(`${drover.url}/api/v1/webhooks/git`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    });
    if (hook.status !== 202) throw new Error(`webhook answered ${hook.status}`);
    // A blocking query on the simulator returns as soon as the job is written.
    for (;;) {
      const response = await fetch(`${simURL}/v1/job/${jobId}?index=${index}&wait=10s`);
      index = Number(response.headers.get('x-nomad-index'));
      const job = (await response.json()) as { TaskGroups: Array<{ Tasks: Array<{ Config: { image: string } }> }> };
      if (job.TaskGroups[0]!.Tasks[0]!.Config.image === `nginx:1.27-r${round}`) break;
      if (performance.now() - t0 > 30_000) throw new Error('the change was not registered within 30 s');
    }
    latencies.push(performance.now() - t0);
    if (process.env.BENCH_LOG) process.stderr.write(`SEEN ${Date.now()}\n`);
    // The next commit comes once this release has rolled out, as it would in practice.
    await waitFor(
      'the release healthy',
      async () => {
        const app = (await apps()).find((a) => a.name === appName(50))!;
        return app.status.sync.status === 'Synced' && app.status.health.status === 'Healthy' ? true : undefined;
      },
      60_000,
    );
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const server = await serverPeakRss();
  const capped = await serverPeakRss(CAPPED_HEAP);

  const mid = noChange.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(noChange.length / 2)]!;
  const rows: Array<{ benchmark: string; value: string; goal: string }> = [
    {
      benchmark: `initial sync, ${APPS} apps x ${JOBS} jobs (start to all Synced)`,
      value: `${(initialMs / 1000).toFixed(2)} s`,
      goal: '',
    },
    {
      benchmark: 'initial sync: Nomad writes / job reads / list calls',
      value: `${initialCalls.writes} / ${initialCalls.jobReads} / ${initialCalls.jobLists}`,
      goal: `${APPS * JOBS} writes`,
    },
    { benchmark: 'no-change reconcile of all apps: wall (median)', value: `${mid.wallMs.toFixed(0)} ms`, goal: '' },
    { benchmark: 'no-change reconcile of all apps: CPU (median run)', value: `${mid.cpuMs.toFixed(0)} ms`, goal: '' },
    { benchmark: 'no-change: Nomad calls (all kinds)', value: String(mid.calls.total), goal: '' },
    { benchmark: 'no-change: Nomad writes', value: String(mid.calls.writes), goal: '0' },
    {
      benchmark: 'no-change: job list calls (plus blocking watch calls)',
      value: `${mid.calls.jobLists} (+${mid.calls.blockingLists})`,
      goal: '<= 1 per namespace and cluster (1)',
    },
    {
      benchmark: 'no-change: job reads / health reads',
      value: `${mid.calls.jobReads} / ${mid.calls.healthReads}`,
      goal: '0 / 0',
    },
    {
      benchmark: `commit to registered via webhook, ${WEBHOOK_ROUNDS} rounds (p50)`,
      value: `${median(latencies).toFixed(0)} ms`,
      goal: '< 500 ms',
    },
    {
      benchmark: 'commit to registered via webhook (p90 / max)',
      value: `${percentile(latencies, 0.9).toFixed(0)} / ${Math.max(...latencies).toFixed(0)} ms`,
      goal: '',
    },
    {
      benchmark: 'peak RSS, `drover server` alone (initial sync + 5 pushes)',
      value: `${server.peakMb.toFixed(0)} MB`,
      goal: '< 200 MB',
    },
    {
      benchmark: '  of which the process at rest before any app (tsx, modules)',
      value: `${server.baseMb.toFixed(0)} MB`,
      goal: '',
    },
    {
      benchmark: `  the same with NODE_OPTIONS="${CAPPED_HEAP}"`,
      value: `${capped.peakMb.toFixed(0)} MB`,
      goal: '< 200 MB',
    },
    {
      benchmark: 'peak RSS of this bench process (Drover + proxy + harness)',
      value: `${peakRssMb.toFixed(0)} MB`,
      goal: '',
    },
  ];
  process.stdout.write(`Drover in-process, simulator in a child process, counting proxy between; ${process.version}\n`);
  for (const row of rows) process.stdout.write(`${row.benchmark.padEnd(90)}${row.value.padStart(16)}  ${row.goal}\n`);
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'reconcile.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        apps: APPS,
        jobs: JOBS,
        initialMs,
        initialCalls,
        noChange,
        latencies,
        peakRssMb,
        server,
        capped,
        rows,
      },
      null,
      2,
    ),
  );
} finally {
  await drover.stop();
  await proxy.close();
  await sim.stop();
  dir.cleanup();
}
