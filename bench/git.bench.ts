// Git source benchmarks (loopback only): a no-change refresh of 50 repositories and a
// refresh after one new commit, each against the same work done with plain git commands in
// the same run, and the time from a push webhook to the new snapshot.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import pino from 'pino';
import { MirrorSet } from '../src/git/mirror.js';
import { listen } from '../src/server/listen.js';
import { gitWebhookHandler } from '../src/server/webhooks/git.js';
import { TestRepo, git, tempDir } from '../test/helpers/git.js';
import { startGitDaemon } from '../test/helpers/git-servers/index.js';

const REPOS = 50;
const ROUNDS = 7;
const CONCURRENCY = 8;
const run = promisify(execFile);
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
const plainGit = (cwd: string, ...args: string[]) => run('git', args, { cwd, env });

// The whole run must end: a hung git server must not hang CI.
setTimeout(() => {
  process.stderr.write('git bench: timed out after 5 minutes\n');
  process.exit(1);
}, 300_000).unref();

async function pool<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

const dir = tempDir('drover-bench-');
const root = join(dir.path, 'srv');
const work = new TestRepo(join(dir.path, 'work'));
for (let i = 0; i < 20; i++) work.write(`apps/web/job${i}.json`, { Job: { ID: `job${i}` } });
work.commit('initial');
mkdirSync(root);
for (let i = 0; i < REPOS; i++) git(dir.path, 'clone', '--quiet', '--bare', work.path, join(root, `r${i}.git`));
const daemon = await startGitDaemon(root);
const urls = Array.from({ length: REPOS }, (_, i) => daemon.url(`r${i}.git`));

try {
  const mirrors = new MirrorSet(
    join(dir.path, 'drover'),
    urls.map((url) => ({ url, revisions: ['main'] })),
  );
  const plainDirs = urls.map((_, i) => join(dir.path, 'plain', `r${i}.git`));
  for (const d of plainDirs) git(dir.path, 'init', '--quiet', '--bare', d);
  const drover = (url: string) =>
    mirrors
      .get(url)
      .fetch()
      .then(() => mirrors.get(url).resolve('main'));
  const plain = (i: number) =>
    plainGit(plainDirs[i]!, 'fetch', '--no-tags', '--quiet', urls[i]!, '+refs/heads/main:refs/heads/main').then(() =>
      plainGit(plainDirs[i]!, 'rev-parse', 'refs/heads/main'),
    );
  const indexes = urls.map((_, i) => i);
  await pool(urls, drover);
  await pool(indexes, plain);

  const noChange = { drover: [] as number[], git: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so neither always runs on a warmer machine.
    if (round % 2 === 0) noChange.drover.push(await timed(() => pool(urls, drover)));
    noChange.git.push(await timed(() => pool(indexes, plain)));
    if (round % 2 === 1) noChange.drover.push(await timed(() => pool(urls, drover)));
  }

  const oneCommit = { drover: [] as number[], git: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    work.write('apps/web/job0.json', { Job: { ID: 'job0', Meta: { round: String(round) } } }).commit(`round ${round}`);
    git(work.path, 'push', '--quiet', join(root, 'r0.git'), 'main');
    oneCommit.drover.push(await timed(() => drover(urls[0]!)));
    oneCommit.git.push(await timed(() => plain(0)));
  }

  // Webhook to snapshot on a local repository (the goal's setting): the bare repository by path.
  const local = join(root, 'r1.git');
  const localMirrors = new MirrorSet(join(dir.path, 'drover-local'), [{ url: local, revisions: ['main'] }]);
  await localMirrors.get(local).fetch();
  const secret = 'bench-secret';
  writeFileSync(join(dir.path, 'hook'), secret);
  let done: ((sha: string) => void) | undefined;
  const api = new Hono();
  api.post(
    '/api/v1/webhooks/git',
    gitWebhookHandler({
      maxBodyBytes: 25 * 1024 * 1024,
      repositories: [{ url: local, webhookSecret: { file: join(dir.path, 'hook') } }],
      apps: () => [{ name: 'web', source: { repoURL: local, revision: 'main', path: 'apps/web' } }],
      trigger: () => {
        const mirror = localMirrors.get(local);
        void mirror
          .fetch()
          .then(() => mirror.resolve('main'))
          .then((sha) => mirror.snapshot(sha, 'apps/web'))
          .then((snap) => done?.(snap.revision));
      },
      logger: pino({ level: 'silent' }),
    }),
  );
  const server = await listen(api, '127.0.0.1', 0);
  const webhook: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sha = work
      .write('apps/web/job1.json', { Job: { ID: 'job1', Meta: { round: String(round) } } })
      .commit(`hook ${round}`);
    git(work.path, 'push', '--quiet', join(root, 'r1.git'), 'main');
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: local } });
    webhook.push(
      await timed(async () => {
        const snapshotted = new Promise<string>((resolve) => (done = resolve));
        await fetch(`${server.url}/api/v1/webhooks/git`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
          },
        });
        if ((await snapshotted) !== sha) throw new Error('snapshot at the wrong revision');
      }),
    );
  }
  await server.close();

  const rows = [
    {
      benchmark: `no-change refresh, ${REPOS} repos`,
      drover_ms: median(noChange.drover),
      git_ms: median(noChange.git),
      ratio: median(noChange.drover) / median(noChange.git),
      goal: '<= 1.2x git',
    },
    {
      benchmark: 'refresh after one new commit',
      drover_ms: median(oneCommit.drover),
      git_ms: median(oneCommit.git),
      ratio: median(oneCommit.drover) / median(oneCommit.git),
      goal: '<= 1.2x git',
    },
    {
      benchmark: 'webhook to snapshot, local repo (median / p95)',
      drover_ms: median(webhook),
      git_ms: p95(webhook),
      ratio: NaN,
      goal: '< 300 ms',
    },
  ];
  process.stdout.write(`git daemon on loopback, ${ROUNDS} rounds, concurrency ${CONCURRENCY}, medians\n`);
  process.stdout.write(
    `${'benchmark'.padEnd(48)}${'drover ms'.padStart(11)}${'git ms'.padStart(11)}${'ratio'.padStart(8)}  goal\n`,
  );
  for (const row of rows) {
    const ratio = Number.isNaN(row.ratio) ? '' : `${row.ratio.toFixed(2)}x`;
    const second = row.benchmark.startsWith('webhook') ? `p95 ${row.git_ms.toFixed(1)}` : row.git_ms.toFixed(1);
    process.stdout.write(
      `${row.benchmark.padEnd(48)}${row.drover_ms.toFixed(1).padStart(11)}${second.padStart(11)}${ratio.padStart(8)}  ${row.goal}\n`,
    );
  }
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'git.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        rounds: ROUNDS,
        concurrency: CONCURRENCY,
        raw: { noChange, oneCommit, webhook },
        rows,
      },
      null,
      2,
    ),
  );
} finally {
  await daemon.stop();
  dir.cleanup();
}
