// Scale benchmark (loopback only): 10, 100 and (with --full) 1,000 apps x 10 HCL jobs, each in one
// repository and spread over up to 50, with the CI-pipeline, plain-git and raw-HTTP baselines
// measured in the same run. Prints a table per scenario and writes bench/results/latest.json.
//   npm run bench -- scale            10 and 100 apps
//   npm run bench -- scale --quick    10 apps, fewer rounds (CI smoke test: it must complete)
//   npm run bench -- scale --full     adds 1,000 apps (10,000 jobs); the README's figures
//   npm run bench -- scale --full --only=1000x50   one scenario (profiling)
//   npm run bench -- scale --only=300x1 --initial-only   the initial sync of one scenario only
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../test/helpers/git.js';
import { startDrover as spawnCli } from '../test/helpers/process.js';
import { procKb } from './scale/drover.js';
import type { Scenario } from './scale/fixture.js';
import { table, type ScenarioResult } from './scale/report.js';
import { runScenario, type Rounds } from './scale/scenario.js';

const args = process.argv.slice(2);
const mode = args.includes('--full') ? 'full' : args.includes('--quick') ? 'quick' : 'default';
const ROUNDS: Record<typeof mode, Rounds> = {
  quick: { noChange: 3, webhook: 3, polling: 2, drift: 2, api: 5 },
  default: { noChange: 5, webhook: 10, polling: 3, drift: 5, api: 20 },
  full: { noChange: 5, webhook: 10, polling: 3, drift: 5, api: 20 },
};
// Largest first in a full run: the 1,000-app figures are the ones the goals are about.
const sizes = mode === 'quick' ? [10] : mode === 'full' ? [1000, 100, 10] : [10, 100];
// --only=APPSxREPOS[,...] (e.g. --only=1000x1, or a size of its own such as 300x1) runs just
// those scenarios, for profiling one; --initial-only stops each after its initial sync.
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const initialOnly = args.includes('--initial-only');
const scenarios: Scenario[] = only
  ? only.map((s) => {
      const [apps, repos] = s.split('x').map(Number);
      if (!apps || !repos) throw new Error(`--only: ${s} is not APPSxREPOS`);
      return { apps, repos };
    })
  : sizes.flatMap((apps) => [
      { apps, repos: 1 },
      { apps, repos: Math.min(50, apps) },
    ]);

const budgetMs = mode === 'full' ? 3_600_000 : 1_200_000;
setTimeout(() => {
  process.stderr.write(`scale bench: did not finish within ${budgetMs / 60_000} minutes\n`);
  process.exit(1);
}, budgetMs).unref();

/** Resident memory of `drover server` with no app, compiled and under tsx. */
async function atRest(): Promise<{ distMb: number; tsxMb: number }> {
  const dir = tempDir('drover-bench-rest-');
  const sim = await spawnCli(['sim', '--port', '0'], /listening on (http:\/\/\S+)/, {}, { dist: true });
  try {
    const file = join(dir.path, 'drover.json');
    const config = { listen: '127.0.0.1:0', data_dir: join(dir.path, 'data'), cluster: { default: {} } };
    config.cluster.default = { address: sim.match[1]! };
    writeFileSync(file, JSON.stringify(config));
    const measure = async (dist: boolean) => {
      const child = await spawnCli(['server', '--config', file], /listening on (http:\/\/\S+)/, {}, { dist });
      await new Promise((r) => setTimeout(r, 1000));
      const mb = procKb(child.process.pid!, 'VmRSS') / 1024;
      await child.stop();
      return mb;
    };
    return { distMb: await measure(true), tsxMb: await measure(false) };
  } finally {
    await sim.stop();
    dir.cleanup();
  }
}

const startedAt = new Date();
const loadBefore = loadavg();
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryMb: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverage: { before: loadBefore, after: loadBefore },
};
const results: ScenarioResult[] = [];

/** Written after every scenario, so an interrupted run still leaves what it measured (`complete: false`). */
function save(complete: boolean, rest: { distMb: number; tsxMb: number }): void {
  machine.loadAverage.after = loadavg();
  const out = {
    date: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    command: `npm run bench -- scale${mode === 'default' ? '' : ` --${mode}`}${only ? ` --only=${only.join(',')}` : ''}${initialOnly ? ' --initial-only' : ''}`,
    mode,
    complete,
    machine,
    rounds: ROUNDS[mode],
    atRest: rest,
    scenarios: results,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // A partial run does not replace the figures the README is generated from.
  writeFileSync(join(dir, initialOnly ? 'initial-only.json' : 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
}

const rest = await atRest();
process.stdout.write(
  `RSS at rest, no app: ${rest.distMb.toFixed(0)} MB compiled (dist/), ${rest.tsxMb.toFixed(0)} MB under tsx\n`,
);
for (const scenario of scenarios) {
  process.stdout.write(`\n-- ${scenario.apps} apps x 10 jobs, ${scenario.repos} repositories\n`);
  const result = await runScenario(scenario, { ...ROUNDS[mode], initialOnly }, scenario.apps === 1000);
  results.push(result);
  process.stdout.write(`${result.name}\n${table(result, false)}\n`);
  save(false, rest);
}
save(true, rest);
process.stdout.write(
  `machine: ${machine.cores} cores, ${machine.memoryMb} MB, ${machine.node}; ` +
    `load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}; wrote bench/results/${initialOnly ? 'initial-only' : 'latest'}.json\n`,
);
process.exit(0);
