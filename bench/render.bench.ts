// Render throughput benchmark (not a test): 1,000 realistic job files, cold (first pass in a
// fresh process, parser and evaluator not yet optimized by V8) and warm (best of later passes).
// Run with `npm run bench`; prints a table and writes bench/results/render-<time>.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderSnapshot } from '../src/render/render.js';
import type { Snapshot } from '../src/domain/commit.js';

const FILES = 1000;
const WARM_PASSES = 5;
const FIXTURES = 'test/fixtures/render';

/** Job files from the corpus (the ones that render without extra inputs), each renamed per copy. */
function corpus(): string[] {
  return (
    readdirSync(FIXTURES)
      // Cases that need inputs (options.json: vars, var-files, env) or that must fail are left out.
      .filter((dir) => !dir.startsWith('err-') && !existsSync(join(FIXTURES, dir, 'options.json')))
      .flatMap((dir) =>
        readdirSync(join(FIXTURES, dir))
          .filter((f) => /\.(hcl|nomad)$/.test(f))
          .map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8')),
      )
  );
}

function snapshot(sources: string[]): Snapshot {
  const files = new Map<string, Buffer>();
  for (let n = 0; n < FILES; n++) {
    const src = sources[n % sources.length]!.replace(/job "([^"]+)"/, `job "$1-${n}"`);
    files.set(`jobs/${String(n).padStart(4, '0')}.nomad.hcl`, Buffer.from(src));
  }
  return {
    repoURL: 'bench',
    revision: 'bench',
    commit: { sha: 'bench', author: '', authorEmail: '', date: '', subject: '' },
    files,
  };
}

function pass(snap: Snapshot): number {
  const start = performance.now();
  const result = renderSnapshot(snap, { defaultNamespace: 'default' });
  const ms = performance.now() - start;
  if (result.issues.length > 0 || result.jobs.length !== FILES)
    throw new Error(`benchmark corpus failed to render: ${result.issues[0]?.message}`);
  return ms;
}

const snap = snapshot(corpus());
const bytes = [...snap.files.values()].reduce((sum, b) => sum + b.length, 0);
const coldMs = pass(snap);
const warmMs = Math.min(...Array.from({ length: WARM_PASSES }, () => pass(snap)));
const peakRssMB = process.resourceUsage().maxRSS / 1024;
const rows = [
  { run: 'cold', files: FILES, ms: coldMs, filesPerSecond: FILES / (coldMs / 1000) },
  { run: 'warm', files: FILES, ms: warmMs, filesPerSecond: FILES / (warmMs / 1000) },
];
console.log(
  `render benchmark: ${FILES} job files (${(bytes / 1024).toFixed(0)} KiB), node ${process.version}, one core`,
);
console.log('run   files   ms        files/s');
for (const row of rows)
  console.log(
    `${row.run.padEnd(6)}${String(row.files).padEnd(8)}${row.ms.toFixed(1).padEnd(10)}${row.filesPerSecond.toFixed(0)}`,
  );
console.log(`peak RSS: ${peakRssMB.toFixed(1)} MB`);
mkdirSync('bench/results', { recursive: true });
const out = join('bench/results', `render-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  out,
  JSON.stringify({ benchmark: 'render', node: process.version, files: FILES, bytes, rows, peakRssMB }, null, 2) + '\n',
);
console.log(`wrote ${out}`);
