import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startSim } from '../../sim/server.js';
import { parseConfig } from '../config/load.js';
import { createLogger, startDrover } from '../main.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../server/auth/tokens.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { Config } from '../config/config.js';
import { BROKEN_CHECKOUT_IMAGE, demoApps, demoAppSets, playShopStory, SHOP_APPS, seedShop } from './demo-apps.js';
import { onShutdown } from './shutdown.js';

const JOBS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'demo-jobs');

export type DemoOptions = { dir: string; port: string; nomadPort: string };

/**
 * `drover demo`: a local Nomad simulator, a local git repository of example jobs and Drover,
 * all on 127.0.0.1. The repository is kept between runs so edits to it survive.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const dir = resolve(options.dir);
  const repo = join(dir, 'repo');
  const created = ensureDemoRepo(repo);
  const sim = await startSim({
    host: '127.0.0.1',
    port: Number(options.nomadPort),
    failAllocations: [{ namespace: 'default', job: 'checkout', image: BROKEN_CHECKOUT_IMAGE }],
  });
  const config = parseConfig(
    JSON.stringify({
      listen: `127.0.0.1:${options.port}`,
      data_dir: join(dir, 'data'),
      cluster: { default: { address: sim.url } },
      repository: { demo: { url: repo, poll_interval: '5s' } },
      app: {
        hello: {
          repository: 'demo',
          revision: 'main',
          path: 'apps/hello',
          sync: { automated: true, prune: true, self_heal: true, allow_empty: false },
        },
        ...demoApps(),
      },
      app_set: demoAppSets(),
    }),
    join(dir, 'drover.json'),
    { env: {} },
  );
  const drover = await startDrover(config, createLogger(process.env.DROVER_LOG_LEVEL ?? 'warn'));
  // Auth stays on in the demo: an admin token, printed once, as Argo CD prints its initial password.
  // Earlier runs' demo tokens are revoked, so only the one printed now works.
  const { secret } = await withStore(config, async (store) => {
    for (const token of await listApiTokens(store)) {
      if (token.createdBy === 'drover demo' && token.status === 'active') await revokeApiToken(store, token.id);
    }
    return createApiToken(store, { role: 'admin', name: 'demo', createdBy: 'drover demo' });
  });
  if (!drover.controller) throw new Error(`Drover at ${drover.url} is not ready; see GET /readyz`);
  // The shop's set generates its apps from the repository's folders once git is read.
  await drover.appSetsReady;
  const { status } = await drover.controller.trigger('hello', { trigger: 'refresh' });
  const post = async (path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${secret}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method: 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const response = await fetch(`${drover.url}${path}`, init);
    if (!response.ok) throw new Error(`demo: POST ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await playShopStory(drover.controller, repo, sim.url, post);

  const out = process.stdout;
  out.write(`\nDrover demo is running.\n\n`);
  out.write(`  UI and API    ${drover.url}/   (${drover.url}/api/v1/apps)\n`);
  out.write(`  Admin token   the next line: paste it into the UI's sign-in, or send it as "Authorization: Bearer"\n`);
  out.write(`DROVER_TOKEN=${secret}\n`);
  out.write(`  Nomad (sim)   ${sim.url}        (export NOMAD_ADDR=${sim.url})\n`);
  out.write(`  Git repo      ${repo}${created ? ' (created)' : ' (reused)'}\n\n`);
  out.write(`App "hello": ${status.sync.status} at ${status.sync.revision?.slice(0, 12) ?? '-'}\n`);
  for (const job of status.jobs) out.write(`  job ${job.id.padEnd(14)} ${job.status}\n`);
  for (const condition of status.conditions) out.write(`  ${condition.type}: ${condition.message}\n`);
  out.write(`\nThe shop's apps show every status (open the UI):\n`);
  for (const name of SHOP_APPS) {
    const app = await drover.controller.status(name);
    out.write(`  ${name.padEnd(11)} ${app?.sync.status ?? 'Unknown'}, ${app?.health.status ?? 'Unknown'}\n`);
  }
  out.write(
    `\nTry: edit ${join(repo, 'apps/hello/web.json')}, then git -C ${repo} commit -am "change"; Drover syncs within 5s.\n`,
  );
  out.write(
    `Or add a folder with a job file under ${join(repo, 'shop')} and commit: the "shop" app set makes it an app.\n`,
  );
  out.write(`Press Ctrl-C to stop.\n`);

  onShutdown(async () => {
    await drover.stop();
    await sim.close();
  });
}

/** A second connection to the running server's database (SQLite WAL allows it). */
async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: config.dataDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Creates the example repository unless it is already there. Returns true when created. */
function ensureDemoRepo(repo: string): boolean {
  if (existsSync(join(repo, '.git'))) return false;
  const app = join(repo, 'apps', 'hello');
  mkdirSync(app, { recursive: true });
  for (const file of ['web.json', 'cache.json']) writeFileSync(join(app, file), readFileSync(join(JOBS_DIR, file)));
  writeFileSync(
    join(repo, 'README.md'),
    '# Drover demo jobs\n\nEdit a job under apps/hello and commit: Drover registers the change.\n',
  );
  const run = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  run('init', '--quiet', '--initial-branch=main');
  run('add', '.');
  run(
    '-c',
    'user.name=Drover Demo',
    '-c',
    'user.email=demo@drover.invalid',
    'commit',
    '--quiet',
    '-m',
    'Add hello-web and hello-cache',
  );
  seedShop(repo, JOBS_DIR, (...args) =>
    run('-c', 'user.name=Drover Demo', '-c', 'user.email=demo@drover.invalid', ...args),
  );
  return true;
}
