import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { DroverError } from '../domain/errors.js';
import { StoreMonitor, type StoreHealthView } from '../store/health.js';
import { openStore, sqliteFile } from '../store/open.js';
import { SharedStoreHealth } from '../store/postgres/health.js';
import type { Store } from '../store/store.js';
import type { ReadinessCheck } from '../server/readiness.js';
import { storeCheck } from '../server/readiness.js';

/** How often the database file is checked while running (PRAGMA quick_check on a fresh connection). */
export const STORE_CHECK_INTERVAL_MS = 60_000;

/** The open store with what watches it; `monitor` only for the SQLite file. */
export type OpenedStore = { store: Store; storeHealth: StoreHealthView; monitor?: StoreMonitor };

/**
 * Opens the configured store and starts watching it, or returns the store error that should keep
 * Drover up but reconciling nothing (a corrupt SQLite file found at start).
 */
export async function openConfiguredStore(
  config: Config,
  logger: Logger,
  checkIntervalMs = STORE_CHECK_INTERVAL_MS,
): Promise<OpenedStore | { failed: DroverError }> {
  let store: Store;
  try {
    store = await openStore({
      dataDir: config.dataDir,
      ...(config.store.kind === 'postgres' ? { postgresURLEnv: config.store.postgresURLEnv } : {}),
    });
  } catch (error) {
    if (error instanceof DroverError && error.code === 'DROVER_ERR_STORE') return { failed: error };
    throw error;
  }
  if (config.ha.enabled && store.kind === 'sqlite')
    logger.warn(
      'ha is enabled on the SQLite store: each instance keeps its own history and tokens; set store.postgres_url_env',
    );
  // The SQLite file is watched for corruption; a shared server's failures are transient (retried).
  if (store.kind !== 'sqlite') return { store, storeHealth: new SharedStoreHealth() };
  const monitor = sqliteMonitor(config, logger);
  monitor.start(checkIntervalMs);
  return { store, storeHealth: monitor, monitor };
}

/** Watches the SQLite file: a failed check or a corrupt-file error stops writes to Nomad and is logged once. */
function sqliteMonitor(config: Config, logger: Logger): StoreMonitor {
  return new StoreMonitor(sqliteFile(config.dataDir), (health) =>
    logger.error(
      { file: health.file, reason: health.reason },
      `the store failed; reconciles stop writing to Nomad: ${health.recovery}`,
    ),
  );
}

/** The store's readiness check: a store the monitor found broken is not probed again; its message says how to recover. */
export function storeReadinessCheck({ store, storeHealth }: OpenedStore): ReadinessCheck {
  const probe = storeCheck(store);
  return {
    name: 'store',
    check: async () => {
      const known = storeReadiness(storeHealth);
      if (known) return known;
      try {
        return await probe.check();
      } catch (error) {
        // A probe that meets a corrupt file closes the store, and readiness says how to recover.
        storeHealth.noteError(error);
        const now = storeReadiness(storeHealth);
        if (now) return now;
        throw error;
      }
    },
  };
}

function storeReadiness(store: StoreHealthView): string | undefined {
  const health = store.health();
  if (health.ok) return undefined;
  return `database ${health.file} is corrupt or unreadable (${health.reason}); ${health.recovery}`;
}
