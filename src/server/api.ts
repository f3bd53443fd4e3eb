import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { appProject } from '../domain/app.js';
import { DroverError, ERRORS } from '../domain/errors.js';
import { auditWrites, describePrincipal } from './auth/audit.js';
import { authenticate, checkOrigin, type AuthOptions } from './auth/authenticate.js';
import type { OidcLogin } from './auth/oidc.js';
import { inScope, requireRole, type AuthEnv } from './auth/principal.js';
import { mountAdminRoutes, mountSessionRoutes } from './auth/routes.js';
import { body } from './json-body.js';
import { droverVersion } from '../domain/version.js';
import type { Controller } from '../reconcile/controller.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-app.js';
import { manualSync } from '../reconcile/manual-sync.js';
import { rollback, unpin } from '../reconcile/rollback.js';
import type { NomadClient } from '../nomad/index.js';
import type { StoreHealthView } from '../store/health.js';
import type { Store } from '../store/store.js';
import { appListBody, appViewJSON, toAppView, toDiffView } from './app-view.js';
import { localDiffBody, localSnapshot } from './local-diff.js';
import { registerEvents, type EventHub } from './events.js';
import { DEFAULT_MAX_BODY_BYTES, requestBodyLimit, securityHeaders } from './hardening.js';
import { registerMetrics, type Metrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { registerHealth, type ReadinessCheck } from './readiness.js';
import { rollbackBody, syncBody } from './schemas.js';
import { registerSources, type SourcesDeps } from './sources.js';
import { registerAppSets, type AppSetsDeps } from './app-sets.js';
import { registerSyncWindows, type SyncWindowsDeps } from './sync-windows.js';
import { registerResources } from './resources.js';
import { registerStaticUI } from './static-ui.js';
import { gitWebhookHandler, type GitWebhookDeps } from './webhooks/git.js';
import { leaderGuard, leaderInfo, type LeadershipView } from './leader-guard.js';

export type ApiDeps = {
  controller: Controller;
  store: Store;
  logger: Logger;
  webhooks?: GitWebhookDeps;
  /** Tokens, sessions and the Host/Origin guard; `oidc` when single sign-on is configured. */
  auth: AuthOptions;
  oidc?: OidcLogin;
  /** With HA on: followers refuse state-changing requests and name the leader. */
  leadership?: LeadershipView;
  /** This instance's advertised URL (for GET /api/v1/leader); known once the server listens. */
  selfURL?: () => string;
  /** Nomad clients by cluster name, for the resource tree; without it the route is absent. */
  nomadFor?: (cluster: string) => NomadClient;
  /** The SQLite file's health: a broken database answers 503 naming the file, never a bare 500. */
  storeHealth?: StoreHealthView;
  /** Largest request body outside the webhook route; default 1 MiB. */
  maxBodyBytes?: number;
  /** Whether the listener serves TLS (turns HSTS on). */
  tls?: boolean;
  /** The live event stream's hub. */
  events?: EventHub;
  /** Prometheus metrics, and an optional check of the scraper's bearer token. */
  metrics?: { metrics: Metrics; guard?: MiddlewareHandler };
  /** Named readiness checks for /readyz. */
  readiness?: ReadinessCheck[];
  /** Clusters and repositories for their list routes. */
  sources?: SourcesDeps;
  /** App sets and what they generate (`GET /api/v1/appsets`). */
  appSets?: AppSetsDeps;
  /** Sync windows for their list route. */
  syncWindows?: SyncWindowsDeps;
};

const WEBHOOK_PATH = '/api/v1/webhooks/git';
/** The API's version in the OpenAPI document (the package version). */
const DROVER_VERSION = droverVersion();

/** The REST API under /api/v1, kept thin over the controller and the store. */
export function createApi(deps: ApiDeps): Hono<AuthEnv> {
  const api = new Hono<AuthEnv>();
  const { controller, store } = deps;
  const viewer = requireRole('viewer');
  const operator = requireRole('operator');

  api.onError((error, c) => {
    if (error instanceof DroverError)
      return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
    if (deps.storeHealth?.noteError(error)) {
      const health = deps.storeHealth.health();
      const message = health.ok
        ? 'the shared store did not answer; try again'
        : `database ${health.file} is corrupt or unreadable; ${health.recovery}`;
      return c.json({ error: { code: 'DROVER_ERR_STORE', message } }, ERRORS.DROVER_ERR_STORE.status);
    }
    deps.logger.error({ err: error }, 'API error');
    return c.json(
      { error: { code: 'DROVER_ERR_INTERNAL', message: 'internal error' } },
      ERRORS.DROVER_ERR_INTERNAL.status,
    );
  });

  // Every route checks Host and Origin; /api/v1 needs a token or a session (except sign-in and the webhook),
  // and every write is audited.
  api.use('*', securityHeaders({ tls: deps.tls ?? false }));
  api.use('*', requestBodyLimit(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, [WEBHOOK_PATH]));
  api.use('*', checkOrigin(deps.auth.guard));
  // Probes, scrapers and API clients before they have a token: these come before authentication.
  registerHealth(api, deps.readiness ?? []);
  if (deps.metrics) registerMetrics(api, deps.metrics.metrics, deps.metrics.guard);
  registerOpenApi(api, DROVER_VERSION);
  api.use('/api/v1/*', auditWrites(store, deps.logger), authenticate(deps.auth));
  if (deps.events)
    registerEvents(api, {
      hub: deps.events,
      projectOf: (name) => {
        const spec = controller.spec(name);
        return spec && appProject(spec);
      },
    });
  if (deps.sources) registerSources(api, deps.sources);
  if (deps.appSets) registerAppSets(api, deps.appSets);
  if (deps.syncWindows) registerSyncWindows(api, deps.syncWindows);

  if (deps.leadership) api.use('/api/*', leaderGuard(deps.leadership));
  api.get('/api/v1/leader', viewer, (c) => c.json(leaderInfo(deps.leadership, deps.selfURL?.() ?? '')));

  // An app outside the caller's scope does not exist for them: 404, as for an unknown name.
  const requireApp = (c: Context<AuthEnv>, name = c.req.param('name') ?? '') => {
    const spec = controller.spec(name);
    if (!spec || !inScope(c.get('principal'), name, appProject(spec)))
      throw new DroverError('DROVER_ERR_NOT_FOUND', `no app named "${name}"`);
    return spec;
  };
  const who = (c: Context<AuthEnv>) => describePrincipal(c.get('principal'));
  const withRun = async (name: string, outcome: ReconcileOutcome, warnings: string[] = []) => ({
    ...toAppView(controller.spec(name)!, outcome.status),
    ...(outcome.runId !== undefined ? { run: await store.getSyncRun(name, outcome.runId) } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  });

  api.get('/api/v1/apps', viewer, async (c) => {
    const visible = controller.specs().filter((spec) => inScope(c.get('principal'), spec.name, appProject(spec)));
    const statuses = await controller.statuses(visible.map((spec) => spec.name));
    const apps = visible.map((spec, i) => appViewJSON(spec, statuses[i]));
    return c.body(appListBody(apps), 200, { 'content-type': 'application/json' });
  });

  api.get('/api/v1/apps/:name', viewer, async (c) => {
    const spec = requireApp(c);
    return c.json(toAppView(spec, await controller.status(spec.name)));
  });

  api.get('/api/v1/apps/:name/history', viewer, async (c) => {
    const spec = requireApp(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 1000);
    return c.json({ history: await store.listSyncRuns(spec.name, limit) });
  });

  api.get('/api/v1/apps/:name/history/:id', viewer, async (c) => {
    const spec = requireApp(c);
    const run = await store.getSyncRun(spec.name, Number(c.req.param('id')));
    if (!run) throw new DroverError('DROVER_ERR_NOT_FOUND', `app "${spec.name}" has no sync run #${c.req.param('id')}`);
    return c.json(run);
  });

  // A dry-run reconcile: compares git with the cluster now and writes nothing.
  api.get('/api/v1/apps/:name/diff', viewer, async (c) => {
    const spec = requireApp(c);
    return c.json(toDiffView(await controller.trigger(spec.name, { trigger: 'refresh', sync: { dryRun: true } })));
  });

  api.post('/api/v1/apps/:name/refresh', operator, async (c) => {
    const spec = requireApp(c);
    const outcome = await controller.trigger(spec.name, { trigger: 'refresh', requestedBy: who(c) });
    return c.json(await withRun(spec.name, outcome));
  });

  // A dry-run of job files sent by the caller (drover app diff --local): no commit needed.
  api.post('/api/v1/apps/:name/diff', viewer, async (c) => {
    const spec = requireApp(c);
    const { files } = await body(c, localDiffBody);
    const request = { trigger: 'refresh' as const, sync: { dryRun: true }, local: localSnapshot(spec, files) };
    return c.json(toDiffView(await controller.trigger(spec.name, request)));
  });

  api.post('/api/v1/apps/:name/sync', operator, async (c) => {
    const spec = requireApp(c);
    const { async: detached, ...options } = await body(c, syncBody);
    if (detached && !options.dryRun) {
      // Accepted once the revision is known to git and no window or dependency refuses it; the sync runs on.
      controller.checkManualSync(spec.name);
      if (options.revision) await controller.resolveRevision(spec.name, options.revision);
      void manualSync(controller, store, spec.name, options, who(c)).catch((error: Error) =>
        deps.logger.warn({ app: spec.name, err: error.message }, 'an asynchronous sync was refused'),
      );
      return c.json({ accepted: true, app: spec.name }, 202);
    }
    const { outcome, warnings } = await manualSync(controller, store, spec.name, options, who(c));
    if (!options.dryRun) return c.json(await withRun(spec.name, outcome, warnings));
    return c.json({ ...toDiffView(outcome), ...(warnings.length > 0 ? { warnings } : {}) });
  });

  api.post('/api/v1/apps/:name/rollback', operator, async (c) => {
    const spec = requireApp(c);
    const target = await body(c, rollbackBody);
    const asked = { runId: target.id, revision: target.revision, requestedBy: who(c) };
    return c.json(await withRun(spec.name, await rollback(controller, store, spec.name, asked)));
  });

  api.post('/api/v1/apps/:name/unpin', operator, async (c) => {
    const spec = requireApp(c);
    return c.json(await withRun(spec.name, await unpin(controller, store, spec.name, who(c))));
  });

  mountSessionRoutes(api, deps.auth, deps.oidc);
  mountAdminRoutes(api, deps.auth);
  // The tree of jobs, groups and allocations; the same viewer role and app scope as the other app routes.
  if (deps.nomadFor) registerResources(api, { nomadFor: deps.nomadFor, guard: viewer, appFor: requireApp, controller });
  if (deps.webhooks) api.post(WEBHOOK_PATH, gitWebhookHandler(deps.webhooks));
  api.get('/api/v1/version', viewer, (c) => c.json({ version: droverVersion() }));
  // Last: the UI's catch-all GET must not shadow the API, /readyz or /metrics.
  registerStaticUI(api);
  api.notFound((c) =>
    c.json(
      { error: { code: 'DROVER_ERR_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } },
      ERRORS.DROVER_ERR_NOT_FOUND.status,
    ),
  );
  return api;
}
