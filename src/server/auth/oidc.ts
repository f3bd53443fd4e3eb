import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as client from 'openid-client';
import type { AuthConfig } from '../../config/config.js';
import { DroverError } from '../../domain/errors.js';
import { roleAtLeast, type Principal } from './principal.js';

type OidcConfig = NonNullable<AuthConfig['oidc']>;
/** A CLI sign-in (`drover login`) waiting on a loopback port, with the CLI's own state. */
export type CliLogin = { port: number; state: string };
type Pending = { verifier: string; nonce: string; redirectURI: string; at: number; cli?: CliLogin };

const STATE_COOKIE = 'drover_oidc_state';
const CALLBACK = '/api/v1/session/oidc/callback';
const PENDING_MS = 10 * 60_000;
const MAX_PENDING = 1000;

/**
 * Single sign-on with OpenID Connect: the authorization-code flow with PKCE. The provider's
 * metadata is discovered on first use, so Drover starts while the provider is down.
 */
export class OidcLogin {
  private configuration?: Promise<client.Configuration>;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly oidc: OidcConfig,
    private readonly bindings: AuthConfig['roleBindings'],
    private readonly options: { externalURL?: string; secure: boolean },
  ) {}

  /** Starts a sign-in: remembers state, nonce and PKCE verifier, and returns the provider's URL. */
  async begin(c: Context, cli?: CliLogin): Promise<string> {
    const config = await this.discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const redirectURI = `${this.options.externalURL ?? new URL(c.req.url).origin}${CALLBACK}`;
    this.remember(state, { verifier, nonce, redirectURI, at: Date.now(), ...(cli ? { cli } : {}) });
    // Lax, not Strict: the provider's redirect back is a cross-site navigation. It binds the flow to this browser.
    setCookie(c, STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: this.options.secure,
      path: CALLBACK,
      maxAge: PENDING_MS / 1000,
    });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectURI,
      scope: this.oidc.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return url.href;
  }

  /** Finishes a sign-in at the callback: checks state, PKCE and the ID token, and maps groups to a role. */
  async complete(c: Context): Promise<{ principal: Principal; cli?: CliLogin }> {
    const state = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: CALLBACK, secure: this.options.secure });
    const pending = state ? this.pending.get(state) : undefined;
    if (state) this.pending.delete(state);
    if (!state || !pending || pending.at < Date.now() - PENDING_MS) {
      throw new DroverError('DROVER_ERR_UNAUTHENTICATED', 'no sign-in in progress in this browser; start again');
    }
    const config = await this.discover();
    const current = new URL(pending.redirectURI);
    current.search = new URL(c.req.url).search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
      });
      claims = { ...tokens.claims() };
      if (!claims.email || claims[this.oidc.groupsClaim] === undefined) {
        Object.assign(claims, await client.fetchUserInfo(config, tokens.access_token, String(claims.sub)), claims);
      }
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) {
        throw new DroverError('DROVER_ERR_UNAUTHENTICATED', `sign-in refused by the provider: ${error.error}`);
      }
      throw new DroverError('DROVER_ERR_OIDC', `sign-in failed: ${(error as Error).message}`);
    }
    return { principal: this.principalFor(claims), ...(pending.cli ? { cli: pending.cli } : {}) };
  }

  /** The highest role any of the user's groups is bound to, on the apps of those bindings. */
  principalFor(claims: Record<string, unknown>): Principal {
    const raw = claims[this.oidc.groupsClaim];
    const groups = new Set(Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : []);
    const matched = this.bindings.filter((b) => groups.has(b.group));
    if (matched.length === 0) {
      throw new DroverError('DROVER_ERR_FORBIDDEN', 'none of your groups has a role_binding in Drover');
    }
    const role = matched.reduce((best, b) => (roleAtLeast(b.role, best) ? b.role : best), matched[0]!.role);
    // Only the top role's bindings count: mixing a wider scope from a lower role in would over-grant.
    const top = matched.filter((b) => b.role === role);
    const unscoped = top.some((b) => b.apps.length === 0 && (b.projects?.length ?? 0) === 0);
    const apps = unscoped ? [] : [...new Set(top.flatMap((b) => b.apps))];
    const projects = unscoped ? [] : [...new Set(top.flatMap((b) => b.projects ?? []))];
    return {
      kind: 'session',
      id: String(claims.sub),
      ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      role,
      apps,
      ...(projects.length > 0 ? { projects } : {}),
    };
  }

  private remember(state: string, pending: Pending): void {
    for (const [key, value] of this.pending) {
      if (value.at < Date.now() - PENDING_MS || this.pending.size >= MAX_PENDING) this.pending.delete(key);
    }
    this.pending.set(state, pending);
  }

  private discover(): Promise<client.Configuration> {
    const issuer = new URL(this.oidc.issuer);
    const secret = this.oidc.clientSecret;
    // Plain http only to a loopback provider (tests, local development).
    const loopback = issuer.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(issuer.hostname);
    this.configuration ??= client
      .discovery(issuer, this.oidc.clientId, undefined, secret ? client.ClientSecretBasic(secret) : client.None(), {
        ...(loopback ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((error: Error) => {
        this.configuration = undefined;
        throw new DroverError('DROVER_ERR_OIDC', `cannot read the OIDC provider's metadata: ${error.message}`);
      });
    return this.configuration;
  }
}
