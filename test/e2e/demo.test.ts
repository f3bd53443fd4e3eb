import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, launchChromium, screenshotPath } from '../helpers/browser.js';
import { tempDir } from '../helpers/git.js';
import { getJSON, startDrover, type Child } from '../helpers/process.js';

const dir = tempDir('drover-demo-');
let demo: Child | undefined;
after(async () => {
  await demo?.stop();
  dir.cleanup();
});

test('given a fresh folder, when `drover demo` runs, then the example apps reach every status, the UI answers and the printed token works', async () => {
  // The demo waits (up to two minutes each) for Nomad to mark two releases stable: on a machine busy with
  // the rest of the suite a minute was not always enough, so the bound covers both waits. Its log (info)
  // says where it was if it still times out.
  demo = await startDrover(
    ['demo', '--dir', dir.path, '--port', '0', '--nomad-port', '0'],
    /Press Ctrl-C to stop/,
    { DROVER_LOG_LEVEL: 'info' },
    {
      readyMs: 270_000,
    },
  );
  const out = demo.output();
  assert.match(out, /App "hello": Synced at [0-9a-f]{12}/);
  assert.match(out, /job hello-cache\s+Synced/);
  assert.match(out, /job hello-web\s+Synced/);
  assert.ok(existsSync(join(dir.path, 'repo', '.git')), 'the example repository was created');

  const ui = out.match(/UI and API\s+(http:\/\/\S+?)\//)![1]!;
  const nomad = out.match(/Nomad \(sim\)\s+(http:\/\/\S+)/)![1]!;
  const page = await fetch(`${ui}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>Drover<\/title>/);

  // Auth is on: the token printed on its own line is a working admin token.
  const token = out.match(/^DROVER_TOKEN=(drv_\S+)$/m)![1]!;
  assert.equal((await fetch(`${ui}/api/v1/apps`)).status, 401, 'the API needs the token');
  const apps = await getJSON<{ apps: Array<{ name: string; appSet?: string }> }>(`${ui}/api/v1/apps`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.deepEqual(apps.body.apps.map((a) => a.name).sort(), [
    'billing',
    'checkout',
    'hello',
    'node-agent',
    'reports',
    'storefront',
  ]);
  // The shop's folders are an app set: storefront, node-agent and reports are generated from git.
  assert.deepEqual(
    apps.body.apps
      .filter((a) => a.appSet === 'shop')
      .map((a) => a.name)
      .sort(),
    ['node-agent', 'reports', 'storefront'],
  );
  const me = await getJSON<{ principal: { role: string } }>(`${ui}/api/v1/session`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(me.body.principal.role, 'admin');
  const { body } = await getJSON<Array<{ ID: string; Meta: Record<string, string> }>>(`${nomad}/v1/jobs?meta=true`);
  const owners = body.map((j) => [j.ID, j.Meta['drover.app'], j.Meta['drover.job']]);
  assert.deepEqual(
    owners.filter(([, app]) => app === 'hello'),
    [
      ['hello-cache', 'hello', 'default/hello-cache'],
      ['hello-web', 'hello', 'default/hello-web'],
    ],
  );

  // The shop shows every status: healthy service, system, batch and periodic jobs, a release Nomad
  // rolled back, and a manual app left OutOfSync.
  assert.match(out, /storefront\s+Synced, Healthy/);
  assert.match(out, /node-agent\s+Synced, Healthy/);
  assert.match(out, /reports\s+Synced, Healthy/);
  assert.match(out, /billing\s+OutOfSync, Healthy/);
  const { body: checkout } = await getJSON<{ status: { conditions: Array<{ type: string; message: string }> } }>(
    `${ui}/api/v1/apps/checkout`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  assert.match(checkout.status.conditions.map((c) => c.message).join('\n'), /rolling back to job version/);
  assert.deepEqual(owners.map(([id]) => id).sort(), [
    'billing',
    'checkout',
    'daily-report',
    'hello-cache',
    'hello-web',
    'nightly-cleanup',
    'node-agent',
    'storefront',
  ]);

  await browseDemo(ui, token);
});

/**
 * The page a first-time user sees: sign in with the printed token, every app with its badges, live
 * over the event stream, the app set filter; then checkout's rollback. Also the README's screenshots
 * (`DROVER_SCREENSHOTS=docs/images`).
 */
async function browseDemo(ui: string, token: string): Promise<void> {
  const WAIT = { timeout: 30_000 };
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${ui}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const name of ['billing', 'checkout', 'hello', 'node-agent', 'reports', 'storefront'])
      await page.locator(`[data-app="${name}"]`).waitFor(WAIT);
    await page.locator('[data-connection="live"]').waitFor(WAIT);
    await page.locator('[data-app="billing"]').filter({ hasText: 'OutOfSync' }).waitFor(WAIT);
    assert.equal(await page.getByLabel('App set').count(), 1, 'the demo has an app set, so its filter shows');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: screenshotPath(dir.path, 'demo-apps'), fullPage: true });

    await page.getByRole('link', { name: 'checkout', exact: true }).click();
    await page
      .getByText(/rolling back to job version/)
      .first()
      .waitFor(WAIT);
    await page.screenshot({ path: screenshotPath(dir.path, 'demo-checkout'), fullPage: true });
  } finally {
    await browser.close();
  }
}
