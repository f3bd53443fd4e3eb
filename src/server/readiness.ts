import { Hono, type Handler } from 'hono';
import { ERRORS } from '../domain/errors.js';

/** One named readiness check: ok, or not with a message saying why and what to do. */
export type ReadinessCheck = { name: string; check(): { ok: boolean; message?: string } };

/**
 * `GET /readyz`: 200 when every check passes, else 503 listing each check with its message.
 * `/healthz` stays a liveness probe: a restart does not mend what readiness reports.
 */
export function readinessHandler(checks: readonly ReadinessCheck[]): Handler {
  return (c) => {
    const results = checks.map(({ name, check }) => ({ name, ...check() }));
    const ready = results.every((r) => r.ok);
    return c.json({ status: ready ? 'ready' : 'not ready', checks: results }, ready ? 200 : 503);
  };
}

/**
 * The whole HTTP surface of a Drover whose database failed its check at start: it stays up so
 * `/readyz` can say why (503, naming the file and the recovery); `/healthz` is ok and every
 * other route answers 503 DROVER_ERR_STORE. Nothing reconciles, so nothing is written to Nomad.
 */
export function storeFailedApi(message: string): Hono {
  const api = new Hono();
  api.get('/healthz', (c) => c.text('ok'));
  api.get('/readyz', readinessHandler([{ name: 'store', check: () => ({ ok: false, message }) }]));
  api.all('*', (c) => c.json({ error: { code: 'DROVER_ERR_STORE', message } }, ERRORS.DROVER_ERR_STORE.status));
  return api;
}
