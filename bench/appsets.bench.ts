// App set benchmark: one run of a git_directories and a git_files set over a repository of
// 100 and 1,000 apps (what each poll that moves the repository costs before any reconcile).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApps } from '../src/appsets/generate.js';
import { parseConfig } from '../src/config/load.js';
import { MirrorSet } from '../src/git/mirror.js';
import { TestRepo, tempDir } from '../test/helpers/git.js';

const ROUNDS = 7;
const SIZES = [100, 1000];

const config = (repo: string) => `repository "jobs" { url = "${repo}" }
app_set "dirs" {
  git_directories {
    repository = "jobs"
    paths      = ["apps/*"]
  }
  template {
    name       = "\${path.basename}"
    repository = "jobs"
    path       = "\${path}"
  }
}
app_set "files" {
  git_files {
    repository = "jobs"
    paths      = ["envs/*/drover.json"]
  }
  template {
    name       = "env-\${path.basename}"
    repository = "jobs"
    path       = "\${path}"
    namespace  = "\${namespace}"
  }
}
`;

const dir = tempDir('drover-bench-appsets-');
const rows: Array<{ benchmark: string; apps: number; median_ms: number }> = [];
try {
  for (const size of SIZES) {
    const repo = new TestRepo(join(dir.path, `repo-${size}`));
    for (let i = 0; i < size; i++)
      repo
        .write(`apps/svc-${i}/job.nomad.hcl`, `job "svc-${i}" {}\n`)
        .write(`envs/e${i}/drover.json`, { namespace: `n${i}` });
    repo.commit(`${size} apps`);
    const { appSets } = parseConfig(config(repo.path), join(dir.path, 'drover.hcl'), {
      env: { NOMAD_ADDR: 'http://127.0.0.1:4646' },
    });
    const mirrors = new MirrorSet(join(dir.path, `mirrors-${size}`));
    await mirrors.get(repo.path).fetch();
    for (const set of appSets) {
      const times: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        const { apps } = await generateApps(set, mirrors);
        times.push(performance.now() - started);
        if (apps.length !== size) throw new Error(`${set.name}: ${apps.length} apps, expected ${size}`);
      }
      times.sort((a, b) => a - b);
      rows.push({ benchmark: `${set.generator.kind} run`, apps: size, median_ms: times[Math.floor(ROUNDS / 2)]! });
    }
  }
  process.stdout.write(`app set runs against a local mirror, ${ROUNDS} rounds, medians\n`);
  process.stdout.write(`${'benchmark'.padEnd(24)}${'apps'.padStart(6)}${'ms'.padStart(10)}\n`);
  for (const row of rows)
    process.stdout.write(
      `${row.benchmark.padEnd(24)}${String(row.apps).padStart(6)}${row.median_ms.toFixed(1).padStart(10)}\n`,
    );
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'appsets.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, rows }, null, 2),
  );
} finally {
  dir.cleanup();
}
