import type { MiddlewareHandler } from 'hono';
import { ERRORS } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import { verifyApiToken } from './tokens.js';

/**
 * `/metrics` needs no identity (Prometheus scrapes it with none), but a bearer token it is sent
 * must be a valid one: a revoked or mistyped scraper token answers 401 instead of passing unseen.
 */
export function scrapeGuard(store: Store): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return next();
    const secret = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const check = secret
      ? await verifyApiToken(store, secret)
      : { refused: 'expected "Authorization: Bearer <token>"' };
    if ('refused' in check) {
      const error = { code: 'DROVER_ERR_UNAUTHENTICATED', message: `metrics: ${check.refused}` };
      return c.json({ error }, ERRORS.DROVER_ERR_UNAUTHENTICATED.status);
    }
    return next();
  };
}
