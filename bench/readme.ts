// `npm run bench:readme [FILE]`: rewrites the README's performance section from a benchmark run
// (default bench/results/latest.json, which `npm run bench -- scale --full` writes).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber, table, type Row, type ScenarioResult } from './scale/report.js';

type Run = {
  date: string;
  durationS: number;
  command: string;
  mode: string;
  complete?: boolean;
  machine: {
    cores: number;
    cpu: string;
    memoryMb: number;
    node: string;
    loadAverage: { before: number[]; after?: number[] };
  };
  atRest?: { distMb: number; tsxMb: number };
  scenarios: ScenarioResult[];
};

const START = '<!-- performance:start -->';
const END = '<!-- performance:end -->';
const root = join(import.meta.dirname, '..');
const run = JSON.parse(readFileSync(process.argv[2] ?? join(root, 'bench/results/latest.json'), 'utf8')) as Run;
if (run.mode !== 'full') process.stderr.write(`warning: ${run.command} is not a full run; the README expects one\n`);
if (!run.complete)
  process.stderr.write('warning: the run was interrupted; the section says which scenarios it covers\n');

const find = (s: ScenarioResult, measure: string): Row | undefined => s.rows.find((r) => r.measure.startsWith(measure));
const value = (s: ScenarioResult, measure: string) => find(s, measure)?.median ?? NaN;

type Goal = { what: string; goal: string; measure: string; holds: (v: number) => boolean; unit: string };
const GOALS: Goal[] = [
  {
    what: 'initial sync',
    goal: '< 60 s',
    measure: 'initial sync: start to every app Synced',
    holds: (v) => v < 60,
    unit: 's',
  },
  {
    what: 'no-change reconcile, wall',
    goal: '< 1 s',
    measure: 'no-change reconcile of every app: wall',
    holds: (v) => v < 1000,
    unit: 'ms',
  },
  {
    what: 'no-change reconcile, Nomad writes',
    goal: '0',
    measure: 'no-change reconcile: Nomad writes',
    holds: (v) => v === 0,
    unit: '',
  },
  {
    what: 'commit to registered, webhook',
    goal: 'p50 < 300 ms',
    measure: 'one-job commit to registered, webhook',
    holds: (v) => v < 300,
    unit: 'ms',
  },
  {
    what: 'drift to restored',
    goal: '< 2 s',
    measure: 'drift repaired by self-heal',
    holds: (v) => v < 2000,
    unit: 'ms',
  },
  { what: 'peak RSS', goal: '< 250 MB', measure: 'peak RSS', holds: (v) => v < 250, unit: 'MB' },
  {
    what: 'Nomad writes for a one-job commit',
    goal: '1',
    measure: 'Nomad writes for a one-job commit',
    holds: (v) => v === 1,
    unit: '',
  },
];

function goalsTable(): string {
  const big = run.scenarios.filter((s) => s.apps === 1000);
  if (big.length === 0) return '_No 1,000-app scenario in this run: run it with `--full`._';
  const lines = [
    '| measure | goal | ' + big.map((s) => s.name).join(' | ') + ' |',
    '|---|---|' + big.map(() => '---|').join(''),
  ];
  for (const g of GOALS) {
    const cells = big.map((s) => {
      const v = value(s, g.measure);
      return `${formatNumber(v)}${g.unit ? ` ${g.unit}` : ''} ${g.holds(v) ? '(holds)' : '(**does not hold**)'}`;
    });
    lines.push(`| ${g.what} | ${g.goal} | ${cells.join(' | ')} |`);
  }
  const hundred = run.scenarios.filter((s) => s.apps === 100);
  if (hundred.length > 0) {
    const cells = hundred.map((s) => `${s.name}: ${formatNumber(value(s, 'peak RSS'))} MB`).join('; ');
    lines.push(`| peak RSS at 100 apps | < 200 MB | ${cells} |`);
  }
  return lines.join('\n');
}

function summaryTable(): string {
  const cols: Array<[string, string]> = [
    ['initial sync (s)', 'initial sync: start to every app Synced'],
    ['no-change wall (ms)', 'no-change reconcile of every app: wall'],
    ['commit to registered, webhook p50 (ms)', 'one-job commit to registered, webhook'],
    ['commit to Healthy, webhook p50 (ms)', 'one-job commit to Healthy, webhook'],
    ['drift to restored (ms)', 'drift repaired'],
    ['peak RSS (MB)', 'peak RSS'],
    ['`GET /api/v1/apps` (ms)', 'GET /api/v1/apps'],
  ];
  const lines = [`| scenario | ${cols.map((c) => c[0]).join(' | ')} |`, `|---|${cols.map(() => '---|').join('')}`];
  for (const s of run.scenarios)
    lines.push(`| ${s.name} | ${cols.map(([, m]) => formatNumber(value(s, m))).join(' | ')} |`);
  return lines.join('\n');
}

const m = run.machine;
// Other work shared the machine when the 1-minute load at the start was above 0.75 per core. The 5- and
// 15-minute averages still carry work that ended before the run, and the run itself loads every core.
const shared = (m.loadAverage.before[0] ?? 0) > m.cores * 0.75;
const loadText =
  `load average ${m.loadAverage.before.map((l) => l.toFixed(1)).join(' / ')} when it started` +
  (m.loadAverage.after ? `, ${m.loadAverage.after.map((l) => l.toFixed(1)).join(' / ')} when it ended` : '') +
  (shared
    ? ' (the machine was shared with other work during the run, so read the ratios to the baselines measured in the same run rather than the absolute times)'
    : '');
// Optional hand-written notes (what did not hold and why), kept beside the generated figures.
const notesPath = join(root, 'bench/performance-notes.md');
const notes = existsSync(notesPath) ? ['', readFileSync(notesPath, 'utf8').trim()] : [];
const section = [
  START,
  '## Performance',
  '',
  `Generated by \`npm run bench:readme\` from \`${run.command}\` (${run.date.slice(0, 16).replace('T', ' ')} UTC, ` +
    `${Math.round(run.durationS / 60)} min): ${m.cores} cores (${m.cpu}), ${Math.round(m.memoryMb / 1024)} GB, Node ${m.node}, ` +
    `${loadText}. ` +
    'Drover runs compiled (`dist/`), with no heap flags, in its own process; the Nomad simulator in another, behind a counting proxy. ' +
    (run.atRest
      ? `At rest with no app Drover holds ${formatNumber(run.atRest.distMb)} MB resident ` +
        `(${formatNumber(run.atRest.tsxMb)} MB under tsx).`
      : '') +
    (run.complete === false
      ? ` **This run was interrupted**: it covers ${run.scenarios.map((s) => s.name).join('; ')} only.`
      : ''),
  '',
  'Baselines: **CI** renders every job file and registers every job (10 at a time, like Terraform), as a pipeline does on each commit; ' +
    '**plain git fetch** fetches every repository once with nothing new; **raw HTTP** is one job read from the simulator.',
  '',
  '### Goals at 1,000 apps × 10 jobs',
  '',
  goalsTable(),
  ...notes,
  '',
  '### Every scenario (medians)',
  '',
  summaryTable(),
  '',
  ...run.scenarios
    .filter((s) => s.apps === 1000)
    .flatMap((s) => [`### ${s.name}: every figure`, '', table(s, true), '']),
  END,
].join('\n');

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const next = readme.includes(START)
  ? readme.slice(0, readme.indexOf(START)) + section + readme.slice(readme.indexOf(END) + END.length)
  : readme.replace('\n## Development\n', `\n${section}\n\n## Development\n`);
writeFileSync(readmePath, next);
process.stdout.write(`README.md: performance section from ${run.command} of ${run.date}\n`);
