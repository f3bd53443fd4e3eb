import { loadConfigFile } from '../config/load.js';
import { parseLifetimeMs } from '../domain/duration.js';
import { DroverError } from '../domain/errors.js';
import { ROLES, type Role } from '../server/auth/principal.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../server/auth/tokens.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { userInfo } from 'node:os';
import { scopeOf, tokenTable } from './token-table.js';

export type TokenCreateFlags = {
  config: string;
  role: string;
  apps?: string[];
  projects?: string[];
  name?: string;
  expires?: string;
};

/** Opens the store the config file names (the data dir's SQLite file or the shared PostgreSQL), for offline token commands. */
async function withStore<T>(configFile: string, work: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfigFile(configFile);
  const postgresURLEnv = config.store.kind === 'postgres' ? config.store.postgresURLEnv : undefined;
  const store = await openStore({ dataDir: config.dataDir, postgresURLEnv });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Offline token changes are audited too: by the OS user who ran the command. */
async function auditLocal(store: Store, action: string, target: string): Promise<void> {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (a container): keep "unknown" */
  }
  const at = new Date().toISOString();
  await store.recordAudit({ at, actor: { kind: 'cli', name }, action, target, outcome: 'success', status: 0 });
}

/**
 * `drover token create`: details go to stderr and the secret alone to stdout (its last line),
 * so `TOKEN=$(drover token create ...)` captures just the secret.
 */
export async function tokenCreateCommand(
  flags: TokenCreateFlags,
  out = process.stdout,
  err = process.stderr,
): Promise<void> {
  if (!(ROLES as readonly string[]).includes(flags.role)) {
    throw new DroverError('DROVER_ERR_BAD_REQUEST', `--role: must be one of ${ROLES.join(', ')}, not "${flags.role}"`);
  }
  let expiresInMs: number | undefined;
  if (flags.expires !== undefined) {
    try {
      expiresInMs = parseLifetimeMs(flags.expires);
    } catch {
      throw new DroverError(
        'DROVER_ERR_BAD_REQUEST',
        `--expires: "${flags.expires}" is not a duration such as 30d or 12h`,
      );
    }
  }
  const { token, secret } = await withStore(flags.config, async (store) => {
    const created = await createApiToken(store, {
      role: flags.role as Role,
      apps: flags.apps ?? [],
      projects: flags.projects ?? [],
      name: flags.name,
      expiresInMs,
      createdBy: 'drover token create (offline)',
    });
    await auditLocal(store, 'token.create', created.token.id);
    return created;
  });
  const scope = scopeOf(token, ', ', 'all apps');
  err.write(`Created ${token.role} token ${token.id} "${token.name}" for ${scope}`);
  err.write(`${token.expiresAt ? `, expires ${token.expiresAt}` : ', never expires'}. The secret is shown once:\n`);
  out.write(`${secret}\n`);
}

/** `drover token list`: one line per token, or JSON with --json. */
export async function tokenListCommand(flags: { config: string; json?: boolean }, out = process.stdout): Promise<void> {
  const tokens = await withStore(flags.config, (store) => listApiTokens(store));
  if (flags.json) {
    out.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
    return;
  }
  out.write(tokenTable(tokens));
}

/** `drover token revoke ID`: the token stops working at once, and so do its browser sessions. */
export async function tokenRevokeCommand(id: string, flags: { config: string }, out = process.stdout): Promise<void> {
  const token = await withStore(flags.config, async (store) => {
    const revoked = await revokeApiToken(store, id);
    await auditLocal(store, 'token.revoke', id);
    return revoked;
  });
  out.write(`Revoked token ${token.id} "${token.name}"\n`);
}
