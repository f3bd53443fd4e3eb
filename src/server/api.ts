import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Logger } from 'pino';
import { DroverError, ERRORS } from '../domain/errors.js';
import { auditWrites, describePrincipal } from './auth/audit.js';
import { authenticate, checkOrigin, type AuthOptions } from './auth/authenticate.js';
import type { OidcLogin } from './auth/oidc.js';
import { inScope, requireRole, type AuthEnv } from './auth/principal.js';
import { mountAdminRoutes, mountSessionRoutes } from './auth/routes.js';
import { body } from './json-body.js';
import type { Controller } from '../reconcile/controller.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-app.js';
import { rollback, unpin } from '../reconcile/rollback.js';
import type { DB } from '../store/db.js';
import type { StoreMonitor } from '../store/health.js';
import { readinessHandler, type ReadinessCheck } from './readiness.js';
import { getSyncRun, listSyncRuns } from '../store/sync-runs.js';
import { toAppView, toDiffView } from './app-view.js';
import { uiPage } from './ui.js';
import { gitWebhookHandler, type GitWebhookDeps } from './webhooks/git.js';

export type ApiDeps = {
  controller: Controller;
  db: DB;
  logger: Logger;
  webhooks?: GitWebhookDeps;
  /** Tokens, sessions and the Host/Origin guard; `oidc` when single sign-on is configured. */
  auth: AuthOptions;
  oidc?: OidcLogin;
  /** The store's health: a broken database answers 503 naming the file, never a bare 500. */
  store?: StoreMonitor;
  readiness?: ReadinessCheck[];
};

const syncBody = z.strictObject({
  jobs: z.array(z.string().min(1)).min(1).optional(),
  dryRun: z.boolean().optional(),
  prune: z.boolean().optional(),
  revision: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, 'must be a commit SHA')
    .optional(),
});

const rollbackBody = z
  .strictObject({
    id: z.number().int().positive().optional(),
    revision: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, 'must be a commit SHA')
      .optional(),
  })
  .refine((b) => (b.id === undefined) !== (b.revision === undefined), {
    message: 'set exactly one of "id" or "revision"',
  });

/** The REST API under /api/v1, kept thin over the controller and the store. */
export function createApi(deps: ApiDeps): Hono<AuthEnv> {
  const api = new Hono<AuthEnv>();
  const { controller, db } = deps;
  const viewer = requireRole('viewer');
  const operator = requireRole('operator');

  api.onError((error, c) => {
    if (error instanceof DroverError)
      return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
    if (deps.store?.noteError(error)) {
      const health = deps.store.health();
      const message = health.ok
        ? 'database error'
        : `database ${health.file} is corrupt or unreadable; ${health.recovery}`;
      return c.json({ error: { code: 'DROVER_ERR_STORE', message } }, ERRORS.DROVER_ERR_STORE.status);
    }
    deps.logger.error({ err: error }, 'API error');
    return c.json({ error: { code: 'DROVER_ERR_INTERNAL', message: 'internal error' } }, 500);
  });

  // Every route checks Host and Origin; /api/v1 needs a token or a session (except sign-in and the webhook),
  // and every write is audited.
  api.use('*', checkOrigin(deps.auth.guard));
  api.use('/api/v1/*', auditWrites(db, deps.logger), authenticate(deps.auth));

  // An app outside the caller's scope does not exist for them: 404, as for an unknown name.
  const requireApp = (c: Context<AuthEnv>, name = c.req.param('name') ?? '') => {
    const spec = controller.spec(name);
    if (!spec || !inScope(c.get('principal'), name))
      throw new DroverError('DROVER_ERR_NOT_FOUND', `no app named "${name}"`);
    return spec;
  };
  const who = (c: Context<AuthEnv>) => describePrincipal(c.get('principal'));
  const withRun = (name: string, outcome: ReconcileOutcome) => ({
    ...toAppView(controller.spec(name)!, outcome.status),
    ...(outcome.runId !== undefined ? { run: getSyncRun(db, name, outcome.runId) } : {}),
  });

  api.get('/api/v1/apps', viewer, (c) => {
    const visible = controller.specs().filter((spec) => inScope(c.get('principal'), spec.name));
    return c.json({ apps: visible.map((spec) => toAppView(spec, controller.status(spec.name))) });
  });

  api.get('/api/v1/apps/:name', viewer, (c) => {
    const spec = requireApp(c);
    return c.json(toAppView(spec, controller.status(spec.name)));
  });

  api.get('/api/v1/apps/:name/history', viewer, (c) => {
    const spec = requireApp(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 1000);
    return c.json({ history: listSyncRuns(db, spec.name, limit) });
  });

  api.get('/api/v1/apps/:name/history/:id', viewer, (c) => {
    const spec = requireApp(c);
    const run = getSyncRun(db, spec.name, Number(c.req.param('id')));
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
    return c.json(withRun(spec.name, await controller.trigger(spec.name, { trigger: 'refresh', requestedBy: who(c) })));
  });

  api.post('/api/v1/apps/:name/sync', operator, async (c) => {
    const spec = requireApp(c);
    const options = await body(c, syncBody);
    const outcome = await controller.trigger(spec.name, { trigger: 'sync', sync: options, requestedBy: who(c) });
    return c.json(options.dryRun ? toDiffView(outcome) : withRun(spec.name, outcome));
  });

  api.post('/api/v1/apps/:name/rollback', operator, async (c) => {
    const spec = requireApp(c);
    const target = await body(c, rollbackBody);
    return c.json(
      withRun(
        spec.name,
        await rollback(controller, db, spec.name, { runId: target.id, revision: target.revision, requestedBy: who(c) }),
      ),
    );
  });

  api.post('/api/v1/apps/:name/unpin', operator, async (c) => {
    const spec = requireApp(c);
    return c.json(withRun(spec.name, await unpin(controller, db, spec.name, who(c))));
  });

  mountSessionRoutes(api, deps.auth, deps.oidc);
  mountAdminRoutes(api, deps.auth);
  if (deps.webhooks) api.post('/api/v1/webhooks/git', gitWebhookHandler(deps.webhooks));

  api.get('/healthz', (c) => c.text('ok'));
  api.get('/readyz', readinessHandler(deps.readiness ?? []));
  api.get('/', (c) => c.html(uiPage()));
  api.notFound((c) =>
    c.json(
      { error: { code: 'DROVER_ERR_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } },
      ERRORS.DROVER_ERR_NOT_FOUND.status,
    ),
  );
  return api;
}
