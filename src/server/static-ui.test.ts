import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { registerStaticUI } from './static-ui.js';

test('the UI is served with a SPA fallback, long-cached assets, and the API keeps its JSON 404s', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'drover-ui-'));
  try {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<title>Drover</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = new Hono();
    registerStaticUI(app, dist);
    app.notFound((c) => c.json({ error: 'not found' }, 404));

    for (const path of ['/', '/apps/hello', '/apps/hello?tab=diff']) {
      const page = await app.request(path, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200, path);
      assert.equal(await page.text(), '<title>Drover</title>');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
    }
    const asset = await app.request('/assets/index-abc.js');
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await app.request('/assets/missing.js')).status, 404);
    assert.equal((await app.request('/assets/..%2f..%2fetc/passwd')).status, 404);
    assert.equal((await app.request('/api/v1/nope', { headers: { accept: 'text/html' } })).status, 404);
    assert.equal((await app.request('/favicon.ico')).status, 404);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
