// The long run (issue 14): simulated churn against one Drover process (commits, drift made by hand,
// Nomad faults, refreshes), sampling its RSS and open file descriptors. Run only when named:
//   npm run bench -- soak               (30 minutes)
//   npm run bench -- soak --minutes 2
// Writes bench/results/soak.json; fails if RSS or descriptors keep growing past the bounds below.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim } from '../sim/server.js';
import { TestRepo, tempDir } from '../test/helpers/git.js';
import { getJSON, startDrover, waitFor } from '../test/helpers/process.js';
import { serviceJob } from '../test/helpers/stack.js';

const minutesFlag = process.argv.indexOf('--minutes');
const MINUTES = minutesFlag > 0 ? Number(process.argv[minutesFlag + 1]) : 30;
const STEP_MS = 1500;
const SAMPLE_MS = 10_000;
/** Growth from the first quarter of the run to the last that still counts as bounded. */
const BOUNDS = { rssGrowth: 0.5, fdGrowth: 10 };
const JOBS = 20;

type Sample = { atS: number; rssMB: number; fds: number };

function sample(pid: number, startedAt: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    atS: Math.round((Date.now() - startedAt) / 1000),
    rssMB: rssKB / 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

const dir = tempDir('drover-soak-');
const sim = await startSim({ port: 0 });
const repo = new TestRepo(join(dir.path, 'repo'));
for (let i = 0; i < JOBS; i++) repo.write(`jobs/j${i}.json`, serviceJob(`j${i}`));
repo.commit('initial jobs');
const config = join(dir.path, 'drover.json');
writeFileSync(
  config,
  JSON.stringify({
    listen: '127.0.0.1:0',
    data_dir: join(dir.path, 'data'),
    refresh_interval: '30s',
    cluster: { default: { address: sim.url } },
    repository: { jobs: { url: repo.path, poll_interval: '2s' } },
    app: {
      soak: {
        repository: 'jobs',
        revision: 'main',
        path: 'jobs',
        sync: { automated: true, prune: true, self_heal: true, retry: { backoff: '1s', max_backoff: '10s' } },
      },
    },
  }),
);
const drover = await startDrover(['server', '--config', config], /Drover listening on (http:\/\/\S+)/);
const url = drover.match[1]!;
const pid = drover.process.pid!;
const startedAt = Date.now();
const samples: Sample[] = [sample(pid, startedAt)];
const counts = { commits: 0, drifts: 0, faults: 0, refreshes: 0 };

/** One step of churn, in turn: a commit, drift made by hand, a burst of Nomad 500s, a refresh. */
async function churn(step: number): Promise<void> {
  const job = `j${step % JOBS}`;
  switch (step % 4) {
    case 0:
      repo.write(`jobs/${job}.json`, serviceJob(job, { image: `nginx:1.${step % 50}` })).commit(`bump ${job}`);
      counts.commits++;
      break;
    case 1: {
      const { body } = await getJSON<{ TaskGroups: Array<{ Count: number }> }>(`${sim.url}/v1/job/${job}`);
      if (body?.TaskGroups) {
        body.TaskGroups[0]!.Count = 1 + (step % 3);
        await fetch(`${sim.url}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: body }) });
        counts.drifts++;
      }
      break;
    }
    case 2:
      await fetch(`${sim.url}/_sim/faults/errors`, {
        method: 'POST',
        body: JSON.stringify({ path: '/v1/job', status: 500, count: 3, body: 'rpc error: No cluster leader' }),
      });
      counts.faults++;
      break;
    default:
      await fetch(`${url}/api/v1/apps/soak/refresh`, { method: 'POST' });
      counts.refreshes++;
  }
}

const end = startedAt + MINUTES * 60_000;
let nextSample = startedAt + SAMPLE_MS;
for (let step = 0; Date.now() < end; step++) {
  await churn(step).catch(() => undefined);
  await new Promise((r) => setTimeout(r, STEP_MS));
  if (Date.now() >= nextSample) {
    samples.push(sample(pid, startedAt));
    nextSample += SAMPLE_MS;
  }
}

// Quiet at the end: faults off, and Drover must converge on git.
await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
const converged = await waitFor(
  'converged after the churn',
  async () => {
    const { body } = await getJSON<{ status: { sync: { status: string } } }>(`${url}/api/v1/apps/soak`);
    return body.status.sync.status === 'Synced' ? true : undefined;
  },
  120_000,
).catch(() => false);
samples.push(sample(pid, startedAt));
await drover.stop();
await sim.close();
dir.cleanup();

const quarter = Math.max(1, Math.floor(samples.length / 4));
const first = samples.slice(0, quarter);
const last = samples.slice(-quarter);
const rssGrowth = mean(last.map((s) => s.rssMB)) / mean(first.map((s) => s.rssMB)) - 1;
const fdGrowth = mean(last.map((s) => s.fds)) - mean(first.map((s) => s.fds));
const ok = converged && rssGrowth <= BOUNDS.rssGrowth && fdGrowth <= BOUNDS.fdGrowth;
const rows = [
  ['duration', `${MINUTES} min`, ''],
  ['churn steps', JSON.stringify(counts), ''],
  [
    'RSS first quarter -> last quarter (MB)',
    `${mean(first.map((s) => s.rssMB)).toFixed(1)} -> ${mean(last.map((s) => s.rssMB)).toFixed(1)}`,
    '',
  ],
  ['RSS growth', `${(rssGrowth * 100).toFixed(1)}%`, `<= ${BOUNDS.rssGrowth * 100}%`],
  [
    'open fds first quarter -> last quarter',
    `${mean(first.map((s) => s.fds)).toFixed(1)} -> ${mean(last.map((s) => s.fds)).toFixed(1)}`,
    '',
  ],
  ['fd growth', fdGrowth.toFixed(1), `<= ${BOUNDS.fdGrowth}`],
  ['converged after the churn', String(converged), 'true'],
];
process.stdout.write(`Drover in a child process against the simulator; ${process.version}\n`);
for (const [name, value, goal] of rows) process.stdout.write(`${name!.padEnd(44)}${value!.padStart(40)}  ${goal}\n`);
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, 'soak.json'),
  JSON.stringify({ minutes: MINUTES, counts, samples, rssGrowth, fdGrowth, converged }, null, 2),
);
process.exit(ok ? 0 : 1);
