import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../domain/clock.js';
import pino from 'pino';
import { MirrorSet } from '../git/mirror.js';
import { NomadClient } from '../nomad/index.js';
import { Controller } from '../reconcile/controller.js';
import { SqliteStore } from '../store/sqlite/adapter.js';
import { createApi } from './api.js';
import { OriginGuard } from './auth/origin.js';
import { EventHub } from './events.js';
import { Metrics } from './metrics.js';
import { ROUTES, openApiDocument } from './openapi.js';
import { listen } from './listen.js';
import { Reachability } from './reachability.js';

/** The real API with every optional part on, over an empty controller. */
function fullApi(dir: string) {
  const store = SqliteStore.open(join(dir, 'drover.db'));
  const guard = new OriginGuard('127.0.0.1', undefined);
  const logger = pino({ level: 'silent' });
  const nomad = new NomadClient({ address: 'http://127.0.0.1:1' });
  const controller = new Controller({
    apps: [],
    mirrors: new MirrorSet(join(dir, 'git')),
    store,
    logger,
    nomadFor: () => nomad,
    intervalFor: () => 60_000,
  });
  const api = createApi({
    controller,
    store,
    logger,
    webhooks: { maxBodyBytes: 1024, repositories: [], apps: () => [], trigger: () => undefined, logger },
    auth: {
      config: { disabled: false, sessionTtlMs: 60_000, roleBindings: [] },
      store,
      guard,
      sessions: { ttlMs: 60_000, secure: false },
      logger,
    },
    nomadFor: () => nomad,
    events: new EventHub(),
    metrics: { metrics: new Metrics(() => controller.load()) },
    readiness: [],
    sources: { clusters: [], repositories: [], apps: () => [], reachability: new Reachability() },
    appSets: { sets: [], states: () => [] },
    syncWindows: { windows: [], clock: systemClock, apps: () => [] },
  });
  return { api, guard, close: () => store.close() };
}

test('every route the server serves is in the OpenAPI document, and every documented route is served', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-openapi-'));
  const { api, close } = fullApi(dir);
  try {
    const served = new Set(
      api.routes
        // The UI's static files (/assets/*, and index.html for any page path) are not the API.
        .filter((r) => r.method !== 'ALL' && r.path !== '/assets/*' && r.path !== '/*')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(ROUTES.filter((r) => !r.optional).map((r) => `${r.method} ${r.path}`));
    const optional = new Set(ROUTES.filter((r) => r.optional).map((r) => `${r.method} ${r.path}`));
    assert.deepEqual(
      [...served].filter((r) => !documented.has(r) && !optional.has(r)),
      [],
      'served but not documented',
    );
    assert.deepEqual(
      [...documented].filter((r) => !served.has(r)),
      [],
      'documented but not served',
    );
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the document is OpenAPI 3.1, every reference resolves, and it is served at /api/v1/openapi.json', async () => {
  const document = openApiDocument('0.1.0');
  assert.equal(document.openapi, '3.1.0');
  const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
  const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 20);
  for (const ref of refs) assert.ok(schemas[ref.replace('#/components/schemas/', '')], `${ref} resolves`);
  assert.doesNotMatch(JSON.stringify(document), /\$defs/, 'no references local to one schema');

  const dir = mkdtempSync(join(tmpdir(), 'drover-openapi-'));
  const { api, guard, close } = fullApi(dir);
  try {
    const server = await listen(api, '127.0.0.1', 0);
    guard.setPort(Number(new URL(server.url).port));
    try {
      const response = await fetch(`${server.url}/api/v1/openapi.json`);
      assert.equal(response.status, 200, 'public: no token needed');
      assert.deepEqual(await response.json(), JSON.parse(JSON.stringify(document)));
    } finally {
      await server.close();
    }
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
});
