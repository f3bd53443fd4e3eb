import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, screenshotPath } from '../helpers/browser.js';
import { tempDir } from '../helpers/git.js';
import { Stack, serviceJob } from '../helpers/stack.js';
import { WEB_DIST } from '../../src/server/static-ui.js';

const WAIT = { timeout: 15_000 };
const BROKEN_HCL = `job "broken" {
  datacenters = ["dc1"]
  group "main" {
    count = var.replica
    task "app" {
      driver = "docker"
      config { image = "nginx:1.27" }
    }
  }
}
`;

describe('web UI in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shots = tempDir('drover-shots-');

  before(async () => {
    assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'the UI is built (npm run build:web; npm ci does it)');
    stack = await Stack.start(
      {
        apps: {
          web: { repository: 'jobs', revision: 'main', path: 'web', sync: { automated: true, prune: true } },
          manual: { repository: 'jobs', revision: 'main', path: 'manual', sync: { automated: false, prune: true } },
          broken: { repository: 'jobs', revision: 'main', path: 'broken', sync: { automated: true } },
        },
      },
      (repo) => {
        repo.write('web/web.json', serviceJob('web', { count: 2 }));
        repo.write('manual/api.json', serviceJob('api', { image: 'api:v1' }));
        repo.write('broken/broken.nomad.hcl', BROKEN_HCL).commit('three apps');
      },
    );
    for (const app of ['web', 'manual', 'broken']) await stack.refresh(app);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    shots.cleanup();
  });

  const row = (name: string) => page.locator(`[data-app="${name}"]`);
  const header = () => page.locator('.app-header');
  const shot = (name: string) => page.screenshot({ path: screenshotPath(shots.path, name), fullPage: true });
  const noAxeViolations = async () => assert.deepEqual(await axeViolations(page), []);
  const signIn = async (on: Page, token: string) => {
    await on.getByRole('heading', { name: 'Sign in to Drover' }).waitFor(WAIT);
    if (on === page) {
      // This server has no OIDC configured, so the page must not offer a single sign-on link that would fail.
      await on.locator('main[aria-busy="false"]').waitFor(WAIT);
      assert.equal(await on.getByRole('link', { name: /single sign-on/ }).count(), 0);
      assert.deepEqual(await axeViolations(on), []);
      await shot('ui-sign-in');
    }
    await on.getByLabel('API token').fill(token);
    await on.getByRole('button', { name: 'Sign in' }).click();
  };

  test('given three apps, when a user signs in, then each app shows its sync and health badges and the summary counts them', async () => {
    await page.goto(`${stack.drover.url}/`);
    await signIn(page, stack.adminToken);
    await row('web').filter({ hasText: 'Synced' }).filter({ hasText: 'Healthy' }).waitFor(WAIT);
    await row('manual').filter({ hasText: 'OutOfSync' }).filter({ hasText: 'Missing' }).waitFor(WAIT);
    await row('broken').filter({ hasText: 'Unknown' }).waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: '1 Synced' }).count(), 1);
    await noAxeViolations();
    await shot('ui-apps');

    await page.getByRole('button', { name: '1 OutOfSync' }).click();
    await page.waitForURL(/\?sync=OutOfSync$/, WAIT);
    await row('web').waitFor({ state: 'detached', ...WAIT });
    assert.equal(await row('manual').count(), 1);
    await page.getByLabel('Search').fill('nothing-matches');
    await page.getByText('0 of 3 apps').waitFor(WAIT);
    await page.goto(`${stack.drover.url}/`);
  });

  test('given a running service, when its page opens, then the tree reaches its allocations with node, status, health and version', async () => {
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.waitForURL(/\/apps\/web$/, WAIT);
    const allocs = page.locator('[data-alloc]');
    await allocs.nth(1).waitFor(WAIT);
    assert.equal(await allocs.count(), 2);
    for (const text of ['running', 'Healthy', 'sim-node-', 'v0'])
      assert.match((await allocs.first().textContent()) ?? '', new RegExp(text));
    await page.locator('[data-job="web"]').filter({ hasText: 'service job' }).waitFor(WAIT);
    await noAxeViolations();
    await shot('ui-app-tree');
  });

  test('given a manual app, when synced from the page after a dry run, then it turns Synced and Healthy live; a new commit shows OutOfSync without a reload', async () => {
    await page.goto(`${stack.drover.url}/apps/manual`);
    await header().filter({ hasText: 'OutOfSync' }).waitFor(WAIT);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));

    await page.getByRole('button', { name: 'Sync…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('create', { exact: true }).waitFor(WAIT);
    await dialog.getByText('1 placed').waitFor(WAIT);
    await noAxeViolations();
    await dialog.getByRole('button', { name: 'Sync', exact: true }).click();
    await header().filter({ hasText: 'Synced' }).filter({ hasText: 'Healthy' }).waitFor(WAIT);

    // Then: a commit arrives outside the page; the page follows without reloading.
    stack.repo.write('manual/api.json', serviceJob('api', { image: 'api:v2' })).commit('api v2');
    await stack.refresh('manual');
    await header().filter({ hasText: 'OutOfSync' }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 1, 'no reload');

    await page.getByRole('tab', { name: 'Diff' }).click();
    const diff = page.getByRole('article', { name: 'Diff of api' });
    await diff.getByText('api:v2').waitFor(WAIT);
    await diff.getByText('api:v1').waitFor(WAIT);
    await diff.getByText(/replaced|updated in place/).waitFor(WAIT);
    await noAxeViolations();
    await shot('ui-diff');
    await page.getByLabel('Unified').check();
    await page.getByLabel('Unified diff').getByText('+ api:v2').waitFor(WAIT);

    await page.getByRole('button', { name: 'Sync…' }).click();
    await dialog.getByText('update', { exact: true }).waitFor(WAIT);
    await dialog.getByRole('button', { name: 'Sync', exact: true }).click();
    await header().filter({ hasText: 'Synced' }).filter({ hasText: 'Healthy' }).waitFor(WAIT);
    assert.equal((await stack.nomad('/v1/job/api')).body.TaskGroups[0].Tasks[0].Config.image, 'api:v2');
  });

  test('given two synced revisions, when rolled back from history and then unpinned, then the job follows each step', async () => {
    await page.getByRole('tab', { name: 'History' }).click();
    const runs = page.locator('[data-run]');
    await runs.nth(1).waitFor(WAIT);
    await runs.first().getByRole('button').click();
    await runs.first().getByRole('cell', { name: 'update', exact: true }).waitFor(WAIT);
    await noAxeViolations();
    await shot('ui-history');

    await page.getByRole('button', { name: 'Rollback…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('update', { exact: true }).waitFor(WAIT);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await header()
      .getByText(/pinned at/)
      .waitFor(WAIT);
    assert.equal((await stack.nomad('/v1/job/api')).body.TaskGroups[0].Tasks[0].Config.image, 'api:v1');

    await page.getByRole('button', { name: 'Unpin…' }).click();
    await dialog.getByRole('button', { name: 'Unpin' }).click();
    await header()
      .getByText(/pinned at/)
      .waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('button', { name: 'Pin…' }).waitFor(WAIT);
  });

  test('given a commit with an HCL error, when its page opens, then the condition names file:line:col in plain words', async () => {
    await page.goto(`${stack.drover.url}/apps/broken`);
    const condition = page.getByRole('region', { name: 'Conditions' });
    await condition.locator('.position').filter({ hasText: 'broken/broken.nomad.hcl:4:' }).waitFor(WAIT);
    await condition.getByText(/Undefined variable/).waitFor(WAIT);
    await noAxeViolations();
    await shot('ui-render-error');
  });

  test('given an open page, when the network drops and comes back, then the header says so each time', async () => {
    await page.goto(`${stack.drover.url}/`);
    await page.locator('[data-connection="live"], [data-connection="polling"]').waitFor(WAIT);
    await context.setOffline(true);
    await page.getByText('Connection lost, reconnecting…').waitFor(WAIT);
    await context.setOffline(false);
    await page.getByText(/Reconnected: live/).waitFor(WAIT);
    await row('web').filter({ hasText: 'Healthy' }).waitFor(WAIT);
  });

  test('given a phone-sized screen and the system in dark mode, the apps page stays readable and accessible', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const small = await phone.newPage();
    for (const cookie of await context.cookies()) await phone.addCookies([cookie]);
    await small.goto(`${stack.drover.url}/`);
    await small.locator('[data-app="web"]').filter({ hasText: 'Healthy' }).waitFor(WAIT);
    assert.deepEqual(await axeViolations(small), []);
    await small.screenshot({ path: screenshotPath(shots.path, 'ui-apps-phone-dark') });
    await phone.close();
  });

  test('given a viewer, when signed in, then the app page offers no actions; signing out asks for a token again', async () => {
    const { body: created } = await stack.api('/api/v1/tokens', { json: { role: 'viewer', name: 'ui-viewer' } });
    const viewer = await browser.newContext();
    const tab = await viewer.newPage();
    tab.setDefaultTimeout(WAIT.timeout);
    await tab.goto(`${stack.drover.url}/apps/web`);
    await signIn(tab, created.secret);
    await tab.locator('[data-alloc]').first().waitFor(WAIT);
    await tab.getByText(/· viewer/).waitFor(WAIT);
    for (const name of ['Refresh', 'Sync…', 'Rollback…', 'Pin…'])
      assert.equal(await tab.getByRole('button', { name }).count(), 0, name);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByRole('heading', { name: 'Sign in to Drover' }).waitFor(WAIT);
    assert.deepEqual(
      await tab.evaluate(() => {
        const g = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number } };
        return [g.localStorage.length, g.sessionStorage.length];
      }),
      [0, 0],
      'nothing kept in storage',
    );
    await viewer.close();
  });
});
