import { join } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { parseLifetimeMs } from '../domain/duration.js';
import { DroverError } from '../domain/errors.js';
import { ROLES, type Role } from '../server/auth/principal.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../server/auth/tokens.js';
import { recordAudit } from '../store/audit.js';
import { openDatabase, type DB } from '../store/db.js';
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

/** Opens the data dir's database named by the config file, for offline token commands. */
function withDatabase<T>(configFile: string, work: (db: DB) => T): T {
  const config = loadConfigFile(configFile);
  const db = openDatabase(join(config.dataDir, 'drover.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Offline token changes are audited too: by the OS user who ran the command. */
function auditLocal(db: DB, action: string, target: string): void {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (a container): keep "unknown" */
  }
  const at = new Date().toISOString();
  recordAudit(db, { at, actor: { kind: 'cli', name }, action, target, outcome: 'success', status: 0 });
}

/**
 * `drover token create`: details go to stderr and the secret alone to stdout (its last line),
 * so `TOKEN=$(drover token create ...)` captures just the secret.
 */
export function tokenCreateCommand(flags: TokenCreateFlags, out = process.stdout, err = process.stderr): void {
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
  const { token, secret } = withDatabase(flags.config, (db) => {
    const created = createApiToken(db, {
      role: flags.role as Role,
      apps: flags.apps ?? [],
      projects: flags.projects ?? [],
      name: flags.name,
      expiresInMs,
      createdBy: 'drover token create (offline)',
    });
    auditLocal(db, 'token.create', created.token.id);
    return created;
  });
  const scope = scopeOf(token, ', ', 'all apps');
  err.write(`Created ${token.role} token ${token.id} "${token.name}" for ${scope}`);
  err.write(`${token.expiresAt ? `, expires ${token.expiresAt}` : ', never expires'}. The secret is shown once:\n`);
  out.write(`${secret}\n`);
}

/** `drover token list`: one line per token, or JSON with --json. */
export function tokenListCommand(flags: { config: string; json?: boolean }, out = process.stdout): void {
  const tokens = withDatabase(flags.config, (db) => listApiTokens(db));
  if (flags.json) {
    out.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
    return;
  }
  out.write(tokenTable(tokens));
}

/** `drover token revoke ID`: the token stops working at once, and so do its browser sessions. */
export function tokenRevokeCommand(id: string, flags: { config: string }, out = process.stdout): void {
  const token = withDatabase(flags.config, (db) => {
    const revoked = revokeApiToken(db, id);
    auditLocal(db, 'token.revoke', id);
    return revoked;
  });
  out.write(`Revoked token ${token.id} "${token.name}"\n`);
}
