import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Store } from '../../store/store.js';
import type { Principal } from './principal.js';
import { checkTokenRecord, sha256 } from './tokens.js';

/** The session cookie: a random ID; the server keeps only its hash. */
export const SESSION_COOKIE = 'drover_session';

export type SessionOptions = { ttlMs: number; secure: boolean };

export type SessionView = { principal: Principal; csrfToken: string; expiresAt: string };

/** Starts a session for a principal and sets its cookie (HttpOnly, SameSite=Strict, Secure with TLS). */
export async function startSession(
  c: Context,
  store: Store,
  principal: Principal,
  options: SessionOptions,
): Promise<SessionView> {
  // Signing in again replaces the browser's previous session rather than leaving it alive.
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await store.deleteSession(sha256(previous));
  const id = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs).toISOString();
  const csrfToken = randomBytes(32).toString('base64url');
  await store.insertSession({
    idHash: sha256(id),
    csrfToken,
    principal,
    ...(principal.kind === 'token' ? { tokenId: principal.id } : {}),
    createdAt: now.toISOString(),
    expiresAt,
  });
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: options.secure,
    path: '/',
    maxAge: Math.floor(options.ttlMs / 1000),
  });
  return { principal, csrfToken, expiresAt };
}

export type SessionCheck = { session: SessionView } | { refused: string } | undefined;

/** The session named by the request's cookie, if any; a token session lasts only while its token is valid. */
export async function readSession(c: Context, store: Store): Promise<SessionCheck> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id) return undefined;
  const now = new Date();
  const row = await store.getSession(sha256(id), now.toISOString());
  if (!row) return { refused: 'the session has expired or was signed out; sign in again' };
  let principal = row.principal as Principal;
  if (row.tokenId) {
    const token = await store.getToken(row.tokenId);
    const check = token ? checkTokenRecord(token, now) : { refused: 'the token of this session is gone' };
    if ('refused' in check) return check;
    principal = check.principal;
  }
  return { session: { principal, csrfToken: row.csrfToken, expiresAt: row.expiresAt } };
}

/** Ends the request's session and clears its cookie. */
export async function endSession(c: Context, store: Store, secure: boolean): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id) await store.deleteSession(sha256(id));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Strict' });
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
