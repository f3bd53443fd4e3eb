// API benchmark (loopback only): 1,000 apps, one job each, in one git repository; Drover in this
// process, the Nomad simulator in a child process. Once every app is synced, measures
// GET /api/v1/apps (sequential requests, then 8 clients at once): p50 and p99 latency and the
// answer's size. Goal: p99 under 50 ms. Run with `npm run bench -- api`; writes bench/results/api.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import { startDrover } from '../src/main.js';
import { createApiToken } from '../src/server/auth/tokens.js';
import { SqliteStore } from '../src/store/sqlite/adapter.js';
import { TestRepo, tempDir } from '../test/helpers/git.js';
import { startDrover as spawnDrover, waitFor } from '../test/helpers/process.js';

const APPS = Number(process.env.BENCH_APPS ?? 1000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const CLIENTS = 8;

setTimeout(() => {
  process.stderr.write('api bench: timed out after 8 minutes\n');
  process.exit(1);
}, 480_000).unref();

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;
const appName = (i: number) => `app-${String(i).padStart(4, '0')}`;

const dir = tempDir('drover-bench-api-');
const repo = new TestRepo(join(dir.path, 'repo'));
for (let a = 0; a < APPS; a++) {
  const job = {
    Job: {
      ID: `${appName(a)}-web`,
      Type: 'service',
      Datacenters: ['dc1'],
      Meta: { team: `team-${a % 7}` },
      TaskGroups: [
        { Name: 'main', Count: 1, Tasks: [{ Name: 'app', Driver: 'docker', Config: { image: 'nginx:1.27' } }] },
      ],
    },
  };
  repo.write(`apps/${appName(a)}/web.json`, job);
}
repo.commit(`${APPS} apps`);
const sim = await spawnDrover(['sim', '--port', '0', '--alloc-delay', '0'], /listening on (http:\/\/\S+)/);
const apps = Object.fromEntries(
  Array.from({ length: APPS }, (_, a) => [
    appName(a),
    { repository: 'jobs', revision: 'main', path: `apps/${appName(a)}` },
  ]),
);
const config = parseConfig(
  JSON.stringify({
    listen: '127.0.0.1:0',
    data_dir: join(dir.path, 'data'),
    refresh_interval: '1h',
    cluster: { default: { address: sim.match[1] } },
    repository: { jobs: { url: repo.path, poll_interval: '1h' } },
    app: apps,
  }),
  join(dir.path, 'drover.json'),
  { env: {} },
);
// Every API route needs a role: an admin token made in the data dir before the start, as an operator would.
const store = SqliteStore.open(join(config.dataDir, 'drover.db'));
const { secret } = await createApiToken(store, { role: 'admin', name: 'api-bench' });
const headers = { authorization: `Bearer ${secret}` };
await store.close();
const drover = await startDrover(config, pino({ level: 'silent' }));
try {
  const list = async () => {
    const t0 = performance.now();
    const response = await fetch(`${drover.url}/api/v1/apps`, { headers });
    const text = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`GET /api/v1/apps answered ${response.status}`);
    return { ms, text };
  };
  const t0 = performance.now();
  await waitFor(
    `all ${APPS} apps synced`,
    async () => {
      const { text } = await list();
      const body = JSON.parse(text) as { apps: Array<{ status: { sync: { status: string } } }> };
      return body.apps.every((a) => a.status.sync.status === 'Synced') ? true : undefined;
    },
    400_000,
  );
  const syncMs = performance.now() - t0;
  for (let i = 0; i < 50; i++) await list(); // warm-up: JIT and caches
  const sequential: number[] = [];
  let bytes = 0;
  // CPU time is what a busy shared machine does not distort: client and server, both in this process.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    const { ms, text } = await list();
    sequential.push(ms);
    bytes = text.length;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / REQUESTS;
  const concurrent: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS / CLIENTS; i++) concurrent.push((await list()).ms);
    }),
  );
  const rows = [
    { benchmark: `initial sync of ${APPS} apps`, value: `${(syncMs / 1000).toFixed(1)} s`, goal: '' },
    { benchmark: 'GET /api/v1/apps answer size', value: `${(bytes / 1024).toFixed(0)} KiB`, goal: '' },
    { benchmark: 'CPU per request (client and server)', value: `${cpuMs.toFixed(1)} ms`, goal: '' },
    { benchmark: 'GET /api/v1/apps p50, sequential', value: `${percentile(sequential, 0.5).toFixed(1)} ms`, goal: '' },
    {
      benchmark: 'GET /api/v1/apps p99, sequential',
      value: `${percentile(sequential, 0.99).toFixed(1)} ms`,
      goal: '< 50 ms',
    },
    {
      benchmark: `GET /api/v1/apps p99, ${CLIENTS} clients`,
      value: `${percentile(concurrent, 0.99).toFixed(1)} ms`,
      goal: '',
    },
    // Latency percentiles on a shared machine mostly measure the neighbours: say how busy it was.
    {
      benchmark: 'load average (1 min) while measuring',
      value: loadavg()[0]!.toFixed(1),
      goal: `${cpus().length} cores`,
    },
  ];
  console.table(rows);
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'api.json'),
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, apps: APPS, cpuMs, sequential, concurrent, rows },
      null,
      2,
    ),
  );
} finally {
  await drover.stop();
  await sim.stop();
  dir.cleanup();
}
