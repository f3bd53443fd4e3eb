import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AuthConfig } from '../../config/config.js';
import { DroverError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { OriginGuard } from './origin.js';
import type { AuthEnv, Principal } from './principal.js';
import { csrfMatches, readSession, type SessionOptions } from './sessions.js';
import { verifyApiToken } from './tokens.js';

/** What the auth middleware and routes need; built once in the composition root. */
export type AuthOptions = {
  config: AuthConfig;
  store: Store;
  guard: OriginGuard;
  sessions: SessionOptions;
  logger: Logger;
};

/** The principal of every request while auth is disabled. */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({
  kind: 'anonymous',
  id: 'anonymous',
  role: 'admin',
  apps: [],
});

/** Routes that check something else (a webhook signature) or that sign in. */
const PUBLIC = new Set(['POST /api/v1/webhooks/git', 'POST /api/v1/session', 'GET /api/v1/session/oidc']);
PUBLIC.add('GET /api/v1/session/oidc/callback');
PUBLIC.add('GET /api/v1/session/providers');
PUBLIC.add('POST /api/v1/session/cli-token');

export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/**
 * Paths that answer whatever name they are reached by: probes and scrapers use the address they discovered
 * (a mapped port, a node IP), and the webhook is authenticated by its signature alone.
 */
const ANY_HOST = new Set(['/healthz', '/readyz', '/metrics', '/api/v1/webhooks/git']);

/** Refuses requests whose Host or Origin is not this server's (DNS rebinding, cross-site forms and fetches). */
export function checkOrigin(guard: OriginGuard): MiddlewareHandler {
  return async (c, next) => {
    if (ANY_HOST.has(c.req.path)) return next();
    const protocol = new URL(c.req.url).protocol;
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!guard.hostAllowed(host, protocol)) {
      throw new DroverError('DROVER_ERR_ORIGIN', `Host "${host}" is not this server's address`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !guard.originAllowed(origin)) {
      throw new DroverError('DROVER_ERR_ORIGIN', `Origin "${origin}" is not this server's address`);
    }
    await next();
  };
}

/**
 * Sets the request's principal from a bearer token or a session cookie, or refuses it:
 * 401 without valid credentials, 403 for a cookie write without the session's CSRF token.
 */
export function authenticate(options: AuthOptions): MiddlewareHandler<AuthEnv> {
  const touched = new Map<string, number>();
  return async (c, next) => {
    if (PUBLIC.has(`${c.req.method} ${c.req.path}`)) return next();
    if (options.config.disabled) {
      if (!isSafeMethod(c.req.method)) {
        options.logger.warn({ method: c.req.method, path: c.req.path }, 'auth is disabled: unauthenticated write');
      }
      c.set('principal', ANONYMOUS_ADMIN);
      return next();
    }
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match)
        throw new DroverError('DROVER_ERR_UNAUTHENTICATED', 'the Authorization header must be "Bearer drv_..."');
      const check = await verifyApiToken(options.store, match[1]!);
      if ('refused' in check) throw new DroverError('DROVER_ERR_UNAUTHENTICATED', check.refused);
      // Last use is kept to the minute, so reads do not each cost a write.
      const now = Date.now();
      if ((touched.get(check.principal.id) ?? 0) < now - 60_000) {
        touched.set(check.principal.id, now);
        await options.store.touchToken(check.principal.id, new Date(now).toISOString());
      }
      c.set('principal', check.principal);
      return next();
    }
    const session = await readSession(c, options.store);
    if (session && 'refused' in session) throw new DroverError('DROVER_ERR_UNAUTHENTICATED', session.refused);
    if (!session) {
      throw new DroverError(
        'DROVER_ERR_UNAUTHENTICATED',
        'authentication required: send "Authorization: Bearer drv_..." or sign in (POST /api/v1/session)',
      );
    }
    // Set first, so the audit names who was refused for a missing CSRF token.
    c.set('principal', session.session.principal);
    if (!isSafeMethod(c.req.method) && !csrfMatches(c.req.header('x-csrf-token'), session.session.csrfToken)) {
      throw new DroverError('DROVER_ERR_CSRF', 'this request needs the X-CSRF-Token header of your session');
    }
    await next();
  };
}
