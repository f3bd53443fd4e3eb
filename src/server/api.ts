import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { DroverError, ERRORS } from '../domain/errors.js';
import type { Controller } from '../reconcile/controller.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-app.js';
import { manualSync } from '../reconcile/manual-sync.js';
import { rollback, unpin } from '../reconcile/rollback.js';
import type { DB } from '../store/db.js';
import { getSyncRun, listSyncRuns } from '../store/sync-runs.js';
import { appListBody, appViewJSON, toAppView, toDiffView } from './app-view.js';
import { anonymousPrincipal } from './auth/anonymous.js';
import type { AuthEnv } from './auth/principal.js';
import { DEFAULT_MAX_BODY_BYTES, requestBodyLimit, securityHeaders } from './hardening.js';
import { registerEvents, type EventHub } from './events.js';
import { registerMetrics, type Metrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { registerHealth, type ReadinessCheck } from './readiness.js';
import { rollbackBody, syncBody } from './schemas.js';
import { registerSources, type SourcesDeps } from './sources.js';
import { UI_CSS, UI_JS, uiPage } from './ui.js';
import { gitWebhookHandler, type GitWebhookDeps } from './webhooks/git.js';

export type ApiDeps = {
  controller: Controller;
  db: DB;
  logger: Logger;
  webhooks?: GitWebhookDeps;
  /** Largest request body outside the webhook route; default 1 MiB. */
  maxBodyBytes?: number;
  /** Whether the listener serves TLS (turns HSTS on). */
  tls?: boolean;
  /** The live event stream's hub. */
  events?: EventHub;
  /** Prometheus metrics, and an optional check of the scraper's bearer token (part A). */
  metrics?: { metrics: Metrics; guard?: MiddlewareHandler };
  /** Named readiness checks for /readyz. */
  readiness?: ReadinessCheck[];
  /** Clusters and repositories for their list routes. */
  sources?: SourcesDeps;
};

const WEBHOOK_PATH = '/api/v1/webhooks/git';
/** The API's version in the OpenAPI document (the package version). */
const DROVER_VERSION = '0.1.0';

/** Parses an optional JSON body against a schema; errors name the field. */
async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DroverError('DROVER_ERR_BAD_REQUEST', `request body is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DroverError(
      'DROVER_ERR_BAD_REQUEST',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

/** The REST API under /api/v1, kept thin over the controller and the store. */
export function createApi(deps: ApiDeps): Hono<AuthEnv> {
  const api = new Hono<AuthEnv>();
  const { controller, db } = deps;
  api.use(securityHeaders({ tls: deps.tls ?? false }));
  api.use(requestBodyLimit(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, [WEBHOOK_PATH]));
  // Probes and scrapers need no session: these routes come before authentication.
  registerHealth(api, deps.readiness ?? []);
  if (deps.metrics) registerMetrics(api, deps.metrics.metrics, deps.metrics.guard);
  registerOpenApi(api, DROVER_VERSION);
  api.use(anonymousPrincipal());
  if (deps.events) registerEvents(api, { hub: deps.events });
  if (deps.sources) registerSources(api, deps.sources);

  api.onError((error, c) => {
    if (error instanceof DroverError)
      return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
    deps.logger.error({ err: error }, 'API error');
    return c.json(
      { error: { code: 'DROVER_ERR_INTERNAL', message: 'internal error' } },
      ERRORS.DROVER_ERR_INTERNAL.status,
    );
  });

  const requireApp = (name: string) => {
    const spec = controller.spec(name);
    if (!spec) throw new DroverError('DROVER_ERR_NOT_FOUND', `no app named "${name}"`);
    return spec;
  };
  const withRun = (name: string, outcome: ReconcileOutcome, warnings: string[] = []) => ({
    ...toAppView(requireApp(name), outcome.status),
    ...(outcome.runId !== undefined ? { run: getSyncRun(db, name, outcome.runId) } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  });

  api.get('/api/v1/apps', (c) => {
    const apps = controller.specs().map((spec) => appViewJSON(spec, controller.status(spec.name)));
    return c.body(appListBody(apps), 200, { 'content-type': 'application/json' });
  });

  api.get('/api/v1/apps/:name', (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json(toAppView(spec, controller.status(spec.name)));
  });

  api.get('/api/v1/apps/:name/history', (c) => {
    const spec = requireApp(c.req.param('name'));
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 1000);
    return c.json({ history: listSyncRuns(db, spec.name, limit) });
  });

  api.get('/api/v1/apps/:name/history/:id', (c) => {
    const spec = requireApp(c.req.param('name'));
    const run = getSyncRun(db, spec.name, Number(c.req.param('id')));
    if (!run) throw new DroverError('DROVER_ERR_NOT_FOUND', `app "${spec.name}" has no sync run #${c.req.param('id')}`);
    return c.json(run);
  });

  // A dry-run reconcile: compares git with the cluster now and writes nothing.
  api.get('/api/v1/apps/:name/diff', async (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json(toDiffView(await controller.trigger(spec.name, { trigger: 'refresh', sync: { dryRun: true } })));
  });

  api.post('/api/v1/apps/:name/refresh', async (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json(withRun(spec.name, await controller.trigger(spec.name, { trigger: 'refresh' })));
  });

  api.post('/api/v1/apps/:name/sync', async (c) => {
    const spec = requireApp(c.req.param('name'));
    const options = await body(c, syncBody);
    const { outcome, warnings } = await manualSync(controller, db, spec.name, options);
    if (!options.dryRun) return c.json(withRun(spec.name, outcome, warnings));
    return c.json({ ...toDiffView(outcome), ...(warnings.length > 0 ? { warnings } : {}) });
  });

  api.post('/api/v1/apps/:name/rollback', async (c) => {
    const spec = requireApp(c.req.param('name'));
    const target = await body(c, rollbackBody);
    return c.json(
      withRun(spec.name, await rollback(controller, db, spec.name, { runId: target.id, revision: target.revision })),
    );
  });

  api.post('/api/v1/apps/:name/unpin', async (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json(withRun(spec.name, await unpin(controller, db, spec.name)));
  });

  if (deps.webhooks) api.post(WEBHOOK_PATH, gitWebhookHandler(deps.webhooks));

  api.get('/', (c) => c.html(uiPage()));
  api.get('/ui.js', (c) => c.body(UI_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  api.get('/ui.css', (c) => c.body(UI_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  api.notFound((c) =>
    c.json(
      { error: { code: 'DROVER_ERR_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } },
      ERRORS.DROVER_ERR_NOT_FOUND.status,
    ),
  );
  return api;
}
