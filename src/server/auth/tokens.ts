import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DroverError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { TokenRecord } from '../../store/tokens.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** Every secret starts with this, so secret scanners can find leaked tokens. */
export const TOKEN_PREFIX = 'drv_';
const SECRET_RE = /^drv_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A token as the API and CLI show it: never the secret or its hash. */
export type TokenView = {
  id: string;
  name: string;
  role: Role;
  apps: string[];
  /** Projects whose apps the token may see (absent when it names none). */
  projects?: string[];
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  createdBy?: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
};

export type NewToken = {
  role: Role;
  apps?: string[];
  projects?: string[];
  name?: string;
  expiresInMs?: number;
  createdBy?: string;
};

/**
 * Project scopes are kept in the token's stored scope list as `project:NAME`: no app name holds a
 * ":", so they can never match an app by name, and a Drover that does not know projects reads
 * them as globs that match nothing (the token sees less, never more).
 */
const PROJECT_SCOPE = 'project:';

function encodeScope(apps: string[], projects: string[]): string[] {
  const bad = apps.find((glob) => glob.includes(':'));
  if (bad)
    throw new DroverError('DROVER_ERR_BAD_REQUEST', `apps: "${bad}": an app glob has no ":" (app names never do)`);
  const badProject = projects.find((p) => !/^[a-zA-Z0-9*?][a-zA-Z0-9_.*?-]{0,62}$/.test(p));
  if (badProject !== undefined)
    throw new DroverError('DROVER_ERR_BAD_REQUEST', `projects: "${badProject}" is not a project name or glob`);
  return [...apps, ...projects.map((p) => `${PROJECT_SCOPE}${p}`)];
}

/** A stored scope list, split into app globs and projects. */
export function decodeScope(stored: string[]): { apps: string[]; projects: string[] } {
  return {
    apps: stored.filter((s) => !s.startsWith(PROJECT_SCOPE)),
    projects: stored.filter((s) => s.startsWith(PROJECT_SCOPE)).map((s) => s.slice(PROJECT_SCOPE.length)),
  };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Creates a token and returns the secret, which is shown this once and never stored. */
export async function createApiToken(
  store: Store,
  input: NewToken,
  now = new Date(),
): Promise<{ token: TokenView; secret: string }> {
  if (!ROLES.includes(input.role)) {
    throw new DroverError('DROVER_ERR_BAD_REQUEST', `role: must be one of ${ROLES.join(', ')}, not "${input.role}"`);
  }
  const name = input.name?.trim() ?? '';
  if (name.length > 64 || [...name].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new DroverError('DROVER_ERR_BAD_REQUEST', 'name: at most 64 printable characters');
  }
  const id = randomBytes(6).toString('hex');
  // 32 random bytes: 256 bits, so a fast hash is safe to store (no password stretching needed).
  const secret = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  const record = {
    id,
    name: name || `token-${id}`,
    role: input.role,
    apps: encodeScope(input.apps ?? [], input.projects ?? []),
    secretHash: sha256(secret),
    createdAt: now.toISOString(),
    ...(input.createdBy ? { createdBy: input.createdBy } : {}),
    ...(input.expiresInMs ? { expiresAt: new Date(now.getTime() + input.expiresInMs).toISOString() } : {}),
  };
  await store.insertToken(record);
  return { token: toView(record, now), secret };
}

/** Every token, newest first. */
export async function listApiTokens(store: Store, now = new Date()): Promise<TokenView[]> {
  return (await store.listTokens()).map((t) => toView(t, now));
}

/** Revokes a token by public ID; 404 when there is none, 409 when it was already revoked. */
export async function revokeApiToken(store: Store, id: string, now = new Date()): Promise<TokenView> {
  const token = await store.getToken(id);
  if (!token) throw new DroverError('DROVER_ERR_NOT_FOUND', `no token with ID "${id}"`);
  if (!(await store.revokeToken(id, now.toISOString()))) {
    throw new DroverError('DROVER_ERR_CONFLICT', `token "${id}" is already revoked`);
  }
  return toView({ ...token, revokedAt: now.toISOString() }, now);
}

export type TokenCheck = { principal: Principal } | { refused: string };

/** Checks a bearer secret: the ID it carries finds the row, the hash is compared in constant time. */
export async function verifyApiToken(store: Store, secret: string, now = new Date()): Promise<TokenCheck> {
  const match = SECRET_RE.exec(secret);
  const token = match ? await store.getToken(match[1]!) : undefined;
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(token?.secretHash ?? '0'.repeat(64), 'hex');
  if (!token || !timingSafeEqual(presented, stored)) return { refused: 'the token is not valid' };
  return checkTokenRecord(token, now);
}

/** A token row's current standing: revoked and expired tokens give no principal. */
export function checkTokenRecord(token: TokenRecord, now = new Date()): TokenCheck {
  if (token.revokedAt) return { refused: `token ${token.id} was revoked` };
  if (token.expiresAt && token.expiresAt <= now.toISOString()) return { refused: `token ${token.id} has expired` };
  return { principal: tokenPrincipal(token) };
}

export function tokenPrincipal(token: TokenRecord): Principal {
  const { apps, projects } = decodeScope(token.apps);
  return {
    kind: 'token',
    id: token.id,
    name: token.name,
    role: token.role as Role,
    apps,
    ...(projects.length > 0 ? { projects } : {}),
  };
}

function toView(token: TokenRecord, now: Date): TokenView {
  const status = token.revokedAt
    ? 'revoked'
    : token.expiresAt && token.expiresAt <= now.toISOString()
      ? 'expired'
      : 'active';
  return {
    id: token.id,
    name: token.name,
    role: token.role as Role,
    ...scopeView(token.apps),
    status,
    createdAt: token.createdAt,
    ...(token.createdBy ? { createdBy: token.createdBy } : {}),
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    ...(token.revokedAt ? { revokedAt: token.revokedAt } : {}),
    ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}),
  };
}

function scopeView(stored: string[]): { apps: string[]; projects?: string[] } {
  const { apps, projects } = decodeScope(stored);
  return { apps, ...(projects.length > 0 ? { projects } : {}) };
}
