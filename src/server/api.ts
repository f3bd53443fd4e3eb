import { Hono } from 'hono';
import type { Logger } from 'pino';
import { DroverError, ERRORS } from '../domain/errors.js';
import type { Controller } from '../reconcile/controller.js';
import type { DB } from '../store/db.js';
import { getAppStatus } from '../store/app-status.js';
import { listSyncRuns } from '../store/sync-runs.js';
import { toAppView } from './app-view.js';
import { uiPage } from './ui.js';
import { gitWebhookHandler, type GitWebhookDeps } from './webhooks/git.js';

export type ApiDeps = { controller: Controller; db: DB; logger: Logger; webhooks?: GitWebhookDeps };

/** The REST API under /api/v1, kept thin over the controller and the store. */
export function createApi(deps: ApiDeps): Hono {
  const api = new Hono();

  api.onError((error, c) => {
    if (error instanceof DroverError) {
      return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
    }
    deps.logger.error({ err: error }, 'API error');
    return c.json({ error: { code: 'DROVER_ERR_INTERNAL', message: 'internal error' } }, 500);
  });

  const requireApp = (name: string) => {
    const spec = deps.controller.specs().find((s) => s.name === name);
    if (!spec) throw new DroverError('DROVER_ERR_NOT_FOUND', `no app named "${name}"`);
    return spec;
  };

  api.get('/api/v1/apps', (c) => c.json({
    apps: deps.controller.specs().map((spec) => toAppView(spec, getAppStatus(deps.db, spec.name))),
  }));

  api.get('/api/v1/apps/:name', (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json(toAppView(spec, getAppStatus(deps.db, spec.name)));
  });

  api.get('/api/v1/apps/:name/history', (c) => {
    const spec = requireApp(c.req.param('name'));
    return c.json({ history: listSyncRuns(deps.db, spec.name) });
  });

  api.post('/api/v1/apps/:name/refresh', async (c) => {
    const spec = requireApp(c.req.param('name'));
    const status = await deps.controller.trigger(spec.name, 'refresh');
    return c.json(toAppView(spec, status));
  });

  api.post('/api/v1/apps/:name/sync', async (c) => {
    const spec = requireApp(c.req.param('name'));
    const status = await deps.controller.trigger(spec.name, 'sync');
    return c.json(toAppView(spec, status));
  });

  if (deps.webhooks) api.post('/api/v1/webhooks/git', gitWebhookHandler(deps.webhooks));

  api.get('/healthz', (c) => c.text('ok'));
  api.get('/', (c) => c.html(uiPage()));
  api.notFound((c) => c.json({ error: { code: 'DROVER_ERR_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, ERRORS.DROVER_ERR_NOT_FOUND.status));
  return api;
}
