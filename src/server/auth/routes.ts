import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { parseLifetimeMs } from '../../domain/duration.js';
import { DroverError } from '../../domain/errors.js';
import { body } from '../json-body.js';
import { cliTokenRequest } from '../schemas.js';
import type { AuthOptions } from './authenticate.js';
import { describePrincipal } from './audit.js';
import type { CliLogin, OidcLogin } from './oidc.js';
import { ROLES, isScoped, requireRole, type AuthEnv, type Principal } from './principal.js';
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
  projects: z.array(z.string().min(1)).optional(),
  name: z.string().max(64).optional(),
  expires: lifetime.optional(),
});

const signInBody = z.strictObject({ token: z.string().min(1) });

/** Token management and the audit log need an admin who sees every app: a scoped admin could widen its own scope. */
const requireFullAdmin = requireRole('admin');
function assertUnscoped(principal: Principal): void {
  if (isScoped(principal)) {
    throw new DroverError('DROVER_ERR_FORBIDDEN', 'this action needs an admin whose scope is every app');
  }
}

/** /api/v1/tokens and /api/v1/audit: admins only. */
export function mountAdminRoutes(api: Hono<AuthEnv>, options: AuthOptions): void {
  const { store } = options;
  api.get('/api/v1/tokens', requireFullAdmin, async (c) => {
    assertUnscoped(c.get('principal'));
    return c.json({ tokens: await listApiTokens(store) });
  });
  api.post('/api/v1/tokens', requireFullAdmin, async (c) => {
    assertUnscoped(c.get('principal'));
    const input = await body(c, tokenBody);
    const created = await createApiToken(store, {
      role: input.role,
      apps: input.apps,
      projects: input.projects,
      name: input.name,
      expiresInMs: input.expires ? parseLifetimeMs(input.expires) : undefined,
      createdBy: describePrincipal(c.get('principal')),
    });
    return c.json(created, 201);
  });
  api.delete('/api/v1/tokens/:id', requireFullAdmin, async (c) => {
    assertUnscoped(c.get('principal'));
    return c.json({ token: await revokeApiToken(store, c.req.param('id')) });
  });
  api.get('/api/v1/audit', requireFullAdmin, async (c) => {
    assertUnscoped(c.get('principal'));
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    const before = c.req.query('before') ? Number(c.req.query('before')) : undefined;
    const entries = await store.listAudit({ app: c.req.query('app'), actor: c.req.query('actor'), limit, before });
    return c.json({ entries });
  });
}

/** /api/v1/session: sign in with a token or OIDC, see who you are, sign out. */
export function mountSessionRoutes(api: Hono<AuthEnv>, options: AuthOptions, oidc?: OidcLogin): void {
  const { store, sessions } = options;
  api.post('/api/v1/session', async (c) => {
    const { token } = await body(c, signInBody);
    const check = await verifyApiToken(store, token);
    if ('refused' in check) throw new DroverError('DROVER_ERR_UNAUTHENTICATED', check.refused);
    c.set('principal', check.principal);
    return c.json(await startSession(c, store, check.principal, sessions), 201);
  });
  api.get('/api/v1/session', requireRole('viewer'), async (c) => {
    const session = await readSession(c, store);
    const principal = c.get('principal');
    const csrf = session && 'session' in session && !c.req.header('authorization') ? session.session : undefined;
    return c.json({ principal, ...(csrf ? { csrfToken: csrf.csrfToken, expiresAt: csrf.expiresAt } : {}) });
  });
  api.delete('/api/v1/session', requireRole('viewer'), async (c) => {
    await endSession(c, store, sessions.secure);
    return c.body(null, 204);
  });
  // Public: the sign-in page and `drover login` ask which ways of signing in exist.
  api.get('/api/v1/session/providers', (c) => c.json({ token: true, oidc: Boolean(oidc) }));
  if (oidc) mountOidcRoutes(api, options, oidc);
}

/**
 * OIDC sign-in for browsers (a session cookie) and for `drover login` (`cli_port` and `cli_state`):
 * the CLI gets a one-time code on its loopback port and exchanges it for an API token that lasts
 * as long as a session would, so the token itself never appears in a URL or the browser's history.
 */
function mountOidcRoutes(api: Hono<AuthEnv>, options: AuthOptions, oidc: OidcLogin): void {
  const { store, sessions } = options;
  const codes = new CliCodes();
  api.get('/api/v1/session/oidc', async (c) => {
    const cli = cliLogin(c.req.query('cli_port'), c.req.query('cli_state'));
    return c.redirect(await oidc.begin(c, cli), 302);
  });
  api.get('/api/v1/session/oidc/callback', async (c) => {
    const { principal, cli } = await oidc.complete(c);
    c.set('principal', principal);
    if (cli) {
      const target = new URL(`http://127.0.0.1:${cli.port}/callback`);
      target.searchParams.set('code', codes.issue(principal));
      target.searchParams.set('state', cli.state);
      return c.redirect(target.href, 302);
    }
    await startSession(c, store, principal, sessions);
    return c.redirect('/', 302);
  });
  api.post('/api/v1/session/cli-token', async (c) => {
    const { code } = await body(c, cliTokenRequest);
    const principal = codes.redeem(code);
    c.set('principal', principal);
    const created = await createApiToken(store, {
      role: principal.role,
      apps: principal.apps,
      name: `login ${principal.email ?? principal.id}`.slice(0, 64),
      expiresInMs: sessions.ttlMs,
      createdBy: `drover login (OIDC ${describePrincipal(principal)})`,
    });
    return c.json(created, 201);
  });
}

/** Only a loopback port and a CLI-chosen state: the code never goes anywhere but this machine's CLI. */
function cliLogin(port: string | undefined, state: string | undefined): CliLogin | undefined {
  if (port === undefined && state === undefined) return undefined;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1024 || n > 65535 || !state || !/^[\w-]{16,128}$/.test(state)) {
    throw new DroverError('DROVER_ERR_BAD_REQUEST', 'cli_port must be a port above 1023 and cli_state 16-128 letters');
  }
  return { port: n, state };
}

/** One-time codes for CLI sign-ins: random, single use, a minute long. */
class CliCodes {
  private readonly codes = new Map<string, { principal: Principal; at: number }>();

  issue(principal: Principal): string {
    const now = Date.now();
    for (const [code, entry] of this.codes) if (entry.at < now - CODE_MS) this.codes.delete(code);
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { principal, at: now });
    return code;
  }

  redeem(code: string): Principal {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.at < Date.now() - CODE_MS) {
      throw new DroverError(
        'DROVER_ERR_UNAUTHENTICATED',
        'the sign-in code is unknown, used or expired; sign in again',
      );
    }
    return entry.principal;
  }
}

const CODE_MS = 60_000;
