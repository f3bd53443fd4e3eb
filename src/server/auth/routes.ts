import type { Hono } from 'hono';
import { z } from 'zod';
import { parseLifetimeMs } from '../../domain/duration.js';
import { DroverError } from '../../domain/errors.js';
import { listAudit } from '../../store/audit.js';
import { body } from '../json-body.js';
import type { AuthOptions } from './authenticate.js';
import { describePrincipal } from './audit.js';
import type { OidcLogin } from './oidc.js';
import { ROLES, requireRole, type AuthEnv, type Principal } from './principal.js';
import { endSession, readSession, startSession } from './sessions.js';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from './tokens.js';

const lifetime = z.string().refine(
  (text) => {
    try {
      return parseLifetimeMs(text) > 0;
    } catch {
      return false;
    }
  },
  { message: 'must be a duration such as "30d", "12h" or "90m"' },
);

const tokenBody = z.strictObject({
  role: z.enum(ROLES),
  apps: z.array(z.string().min(1)).optional(),
  name: z.string().max(64).optional(),
  expires: lifetime.optional(),
});

const signInBody = z.strictObject({ token: z.string().min(1) });

/** Token management and the audit log need an admin who sees every app: a scoped admin could widen its own scope. */
const requireFullAdmin = requireRole('admin');
function assertUnscoped(principal: Principal): void {
  if (principal.apps.length > 0) {
    throw new DroverError('DROVER_ERR_FORBIDDEN', 'this action needs an admin whose scope is every app');
  }
}

/** /api/v1/tokens and /api/v1/audit: admins only. */
export function mountAdminRoutes(api: Hono<AuthEnv>, options: AuthOptions): void {
  const { db } = options;
  api.get('/api/v1/tokens', requireFullAdmin, (c) => {
    assertUnscoped(c.get('principal'));
    return c.json({ tokens: listApiTokens(db) });
  });
  api.post('/api/v1/tokens', requireFullAdmin, async (c) => {
    assertUnscoped(c.get('principal'));
    const input = await body(c, tokenBody);
    const created = createApiToken(db, {
      role: input.role,
      apps: input.apps,
      name: input.name,
      expiresInMs: input.expires ? parseLifetimeMs(input.expires) : undefined,
      createdBy: describePrincipal(c.get('principal')),
    });
    return c.json(created, 201);
  });
  api.delete('/api/v1/tokens/:id', requireFullAdmin, (c) => {
    assertUnscoped(c.get('principal'));
    return c.json({ token: revokeApiToken(db, c.req.param('id')) });
  });
  api.get('/api/v1/audit', requireFullAdmin, (c) => {
    assertUnscoped(c.get('principal'));
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    const before = c.req.query('before') ? Number(c.req.query('before')) : undefined;
    const entries = listAudit(db, { app: c.req.query('app'), actor: c.req.query('actor'), limit, before });
    return c.json({ entries });
  });
}

/** /api/v1/session: sign in with a token or OIDC, see who you are, sign out. */
export function mountSessionRoutes(api: Hono<AuthEnv>, options: AuthOptions, oidc?: OidcLogin): void {
  const { db, sessions } = options;
  api.post('/api/v1/session', async (c) => {
    const { token } = await body(c, signInBody);
    const check = verifyApiToken(db, token);
    if ('refused' in check) throw new DroverError('DROVER_ERR_UNAUTHENTICATED', check.refused);
    c.set('principal', check.principal);
    return c.json(startSession(c, db, check.principal, sessions), 201);
  });
  api.get('/api/v1/session', requireRole('viewer'), (c) => {
    const session = readSession(c, db);
    const principal = c.get('principal');
    const csrf = session && 'session' in session && !c.req.header('authorization') ? session.session : undefined;
    return c.json({ principal, ...(csrf ? { csrfToken: csrf.csrfToken, expiresAt: csrf.expiresAt } : {}) });
  });
  api.delete('/api/v1/session', requireRole('viewer'), (c) => {
    endSession(c, db, sessions.secure);
    return c.body(null, 204);
  });
  if (oidc) {
    api.get('/api/v1/session/oidc', async (c) => c.redirect(await oidc.begin(c), 302));
    api.get('/api/v1/session/oidc/callback', async (c) => {
      const principal = await oidc.complete(c);
      c.set('principal', principal);
      startSession(c, db, principal, sessions);
      return c.redirect('/', 302);
    });
  }
}
