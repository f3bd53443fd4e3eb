import type { MiddlewareHandler } from 'hono';
import { DroverError } from '../../domain/errors.js';

/** What a caller may do: each role includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a token, a browser session, or nobody (with auth turned off). */
export type Principal = {
  kind: 'token' | 'session' | 'anonymous';
  /** The token's public ID, the session's subject, or "anonymous". */
  id: string;
  name?: string;
  email?: string;
  role: Role;
  /** App-name globs this principal may see; empty means every app. */
  apps: string[];
};

/** Hono's typed context variables for routes behind authentication. */
export type AuthEnv = { Variables: { principal: Principal } };

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Whether an app name matches one of the principal's scope globs (`*` matches any run of characters). */
export function inScope(principal: Principal, app: string): boolean {
  if (principal.apps.length === 0) return true;
  return principal.apps.some((glob) => globToRegExp(glob).test(app));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Refuses callers below `role`: 401 with no identity, 403 with too small a role. */
export function requireRole(role: Role): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new DroverError('DROVER_ERR_UNAUTHENTICATED', 'authentication required');
    if (!roleAtLeast(principal.role, role)) {
      throw new DroverError('DROVER_ERR_FORBIDDEN', `this action needs the ${role} role; you have ${principal.role}`);
    }
    await next();
  };
}
