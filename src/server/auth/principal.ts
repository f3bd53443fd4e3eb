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
  /** App-name globs this principal may see; with `projects` empty too, every app. */
  apps: string[];
  /** Projects whose apps this principal may see, besides the apps `apps` names (absent: none). */
  projects?: string[];
};

/** Hono's typed context variables for routes behind authentication. */
export type AuthEnv = { Variables: { principal: Principal } };

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Whether the principal is limited to some apps or projects. */
export function isScoped(principal: Principal): boolean {
  return principal.apps.length > 0 || (principal.projects?.length ?? 0) > 0;
}

/**
 * Whether an app is in the principal's scope: its name matches one of the scope's app globs
 * (`*` matches any run of characters), or its project (undefined: not known) is one of the scope's projects.
 */
export function inScope(principal: Principal, app: string, project: string | undefined): boolean {
  if (!isScoped(principal)) return true;
  return (
    principal.apps.some((glob) => globToRegExp(glob).test(app)) ||
    (project !== undefined && (principal.projects ?? []).some((glob) => globToRegExp(glob).test(project)))
  );
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
