import type { MiddlewareHandler } from 'hono';
import type { AuthEnv, Principal } from './principal.js';

/**
 * TEMPORARY: every request acts as an anonymous admin, so the routes behind `requireRole`
 * answer while authentication is not built yet. Issue 11 part A (branch `auth`) replaces
 * this file with the real authentication middleware (tokens, sessions, OIDC); nothing else
 * sets a principal.
 */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({
  kind: 'anonymous',
  id: 'anonymous',
  role: 'admin',
  apps: [],
});

/** Sets the anonymous-admin principal (see above: replaced by part A's authentication). */
export function anonymousPrincipal(): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set('principal', ANONYMOUS_ADMIN);
    await next();
  };
}
