import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AuditEntry } from '../../store/audit.js';
import type { Store } from '../../store/store.js';
import { isSafeMethod } from './authenticate.js';
import type { AuthEnv, Principal } from './principal.js';

/** How history and the audit name a caller: a token by ID and name, an OIDC user by email and subject. */
export function describePrincipal(principal: Principal): string {
  if (principal.kind === 'token') return `token ${principal.id} (${principal.name ?? principal.id})`;
  if (principal.kind === 'session')
    return `${principal.email ?? principal.name ?? principal.id} (oidc ${principal.id})`;
  return 'anonymous (auth disabled)';
}

/** Names a request's action: `app.sync`, `token.create`, ...; other writes by method and path. */
export function actionOf(method: string, path: string): Pick<AuditEntry, 'action' | 'app' | 'target'> {
  const app = /^\/api\/v1\/apps\/([^/]+)\/([a-z-]+)$/.exec(path);
  if (app) return { action: `app.${app[2]}`, app: decodeURIComponent(app[1]!) };
  if (path === '/api/v1/tokens' && method === 'POST') return { action: 'token.create' };
  const token = /^\/api\/v1\/tokens\/([^/]+)$/.exec(path);
  if (token && method === 'DELETE') return { action: 'token.revoke', target: decodeURIComponent(token[1]!) };
  if (path === '/api/v1/session') return { action: method === 'DELETE' ? 'session.delete' : 'session.create' };
  if (path === '/api/v1/session/oidc/callback') return { action: 'session.create', target: 'oidc' };
  return { action: `${method} ${path}` };
}

/** A refused caller; a token's public ID is kept when one was presented (a revoked token still in use, say). */
function refusedActor(authorization: string | undefined): AuditEntry['actor'] {
  const id = /^Bearer\s+drv_([0-9a-f]{12})_/i.exec(authorization ?? '')?.[1];
  return { kind: 'unauthenticated', ...(id ? { id } : {}) };
}

/** The caller's network address, when the request came over a socket. */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Records every state-changing request (and the OIDC sign-in) once it is answered: who, what,
 * which app, from where and the outcome. Webhooks are left to their own log lines.
 */
export function auditWrites(store: Store, logger: Logger): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const { method, path } = c.req;
    const audited =
      (!isSafeMethod(method) || path === '/api/v1/session/oidc/callback') && path !== '/api/v1/webhooks/git';
    await next();
    if (!audited) return;
    const principal = c.get('principal') as Principal | undefined;
    const status = c.res.status;
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      actor: principal
        ? { kind: principal.kind, id: principal.id, name: principal.name, email: principal.email }
        : refusedActor(c.req.header('authorization')),
      ...actionOf(method, path),
      address: clientAddress(c),
      outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
      status,
      ...(c.error ? { message: c.error.message } : {}),
    };
    try {
      await store.recordAudit(entry);
    } catch (error) {
      logger.error({ err: (error as Error).message, action: entry.action }, 'could not write the audit entry');
    }
  };
}
