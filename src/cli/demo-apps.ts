import { cpSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Controller } from '../reconcile/controller.js';

/** The image the checkout app's newest commit ships; the demo's simulator fails allocations running it. */
export const BROKEN_CHECKOUT_IMAGE = 'shop/checkout:2.0';

const FIRST_RELEASE = 'Add the shop: storefront, node-agent, reports, checkout, billing';

const auto = { automated: true, prune: true, self_heal: true, allow_empty: false };

/** The shop's apps, in the order the demo prints them. */
export const SHOP_APPS = ['storefront', 'node-agent', 'reports', 'checkout', 'billing'];

/**
 * The demo's apps beside "hello", from HCL job files with variables, chosen so a new user sees
 * every status: healthy service, system, batch and periodic jobs (the `shop` app set), a release
 * that Nomad rolls back, and a manual-sync app left OutOfSync (app blocks: their policies differ).
 */
export function demoApps(): Record<string, Record<string, unknown>> {
  const app = (path: string, extra: Record<string, unknown> = {}) => ({
    repository: 'demo',
    revision: 'main',
    path: `shop/${path}`,
    ...extra,
  });
  return {
    // No self-heal: Drover must not fight Nomad's rollback of the broken release.
    checkout: app('checkout', { var_files: ['release.vars.hcl'], sync: { automated: true, prune: true } }),
    billing: app('billing', { var_files: ['prod.vars.hcl'], sync: { automated: false, prune: true } }),
  };
}

/** One app per folder under shop/ (checkout and billing have app blocks of their own): a new folder is a new app. */
export function demoAppSets(): Record<string, Record<string, unknown>> {
  return {
    shop: {
      git_directories: {
        repository: 'demo',
        revision: 'main',
        paths: ['shop/*'],
        exclude: ['shop/checkout', 'shop/billing'],
      },
      template: { name: '${path.basename}', repository: 'demo', revision: 'main', path: '${path}', sync: auto },
    },
  };
}

/** Adds the shop to a new demo repository in three commits: the first release, a broken checkout, a billing change. */
export function seedShop(repo: string, jobsDir: string, git: (...args: string[]) => void): void {
  cpSync(join(jobsDir, 'shop'), join(repo, 'shop'), { recursive: true });
  git('add', '.');
  git('commit', '--quiet', '-m', FIRST_RELEASE);
  writeFileSync(join(repo, 'shop/checkout/release.vars.hcl'), `image = "${BROKEN_CHECKOUT_IMAGE}"\n`);
  git('commit', '--quiet', '-am', 'checkout 2.0: new payment flow');
  writeFileSync(join(repo, 'shop/billing/prod.vars.hcl'), 'replicas = 3\n');
  git('commit', '--quiet', '-am', 'billing: three replicas for the month-end peak');
}

/** A POST to Drover's API from the demo (the caller adds credentials when the server needs them). */
export type DemoPost = (path: string, body?: unknown) => Promise<unknown>;

/**
 * Plays the story on a fresh simulator. billing (manual) is synced at the first release, so
 * its newest commit waits OutOfSync. checkout is rolled back to the first release (a rollback
 * pins, so automated sync cannot race ahead), left to become Nomad's stable version, then
 * unpinned: Drover syncs the broken commit, its deployment fails, and Nomad reverts it.
 */
export async function playShopStory(
  controller: Controller,
  repo: string,
  nomad: string,
  post: DemoPost,
): Promise<void> {
  const first = execFileSync('git', ['log', '--format=%H', '-n1', '--fixed-strings', `--grep=${FIRST_RELEASE}`], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();
  if (first) {
    await controller.trigger('billing', { trigger: 'sync', sync: { revision: first } });
    await post('/api/v1/apps/checkout/rollback', { revision: first });
    await waitStable(nomad, 'checkout');
    await post('/api/v1/apps/checkout/unpin');
    await waitStable(nomad, 'checkout');
  }
  await Promise.all(SHOP_APPS.map((app) => controller.trigger(app, { trigger: 'refresh' })));
}

/**
 * Waits (at most `timeoutMs`) until Nomad marks the job's newest version stable: auto-revert goes
 * back only to a stable one. Bounded by time, not by tries, so a busy machine gets the same two minutes.
 */
async function waitStable(nomad: string, job: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [deployment, current] = await Promise.all(
      [`/v1/job/${job}/deployment`, `/v1/job/${job}`].map(
        async (path) =>
          (await (await fetch(`${nomad}${path}`)).json()) as {
            Status?: string;
            JobVersion?: number;
            Version?: number;
          } | null,
      ),
    );
    if (deployment?.Status === 'successful' && deployment.JobVersion === current?.Version) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.stderr.write(`demo: job ${job}'s newest version was not marked stable within ${timeoutMs / 1000} s\n`);
}
