import { join } from 'node:path';
import { DroverError } from '../domain/errors.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore } from './sqlite/adapter.js';
import type { Store } from './store.js';

/** Where the store lives, as the config says: the data dir's SQLite file, or PostgreSQL through an env var. */
export type StoreLocation = { dataDir: string; postgresURLEnv?: string };

/** The SQLite file in a data dir. */
export const sqliteFile = (dataDir: string) => join(dataDir, 'drover.db');

/**
 * Opens the configured store: PostgreSQL (migrated under an advisory lock) when `postgresURLEnv` names
 * a variable, else the data dir's SQLite file. The URL is read here and kept only by the driver: a
 * missing or empty variable is a config error naming `store.postgres_url_env`, never the URL.
 */
export async function openStore(where: StoreLocation, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  if (!where.postgresURLEnv) return SqliteStore.open(sqliteFile(where.dataDir));
  const url = env[where.postgresURLEnv]?.trim();
  if (!url) {
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `store.postgres_url_env: environment variable ${where.postgresURLEnv} is not set or empty; ` +
        'it must hold the PostgreSQL URL of the shared store',
    );
  }
  return PostgresStore.open(url);
}
