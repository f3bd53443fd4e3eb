import { Hono } from 'hono';
import { ERRORS } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import type { AuthEnv } from './auth/principal.js';

/** One named readiness check: resolves with nothing when fine, or with why not. */
export type ReadinessCheck = { name: string; check(): Promise<string | undefined> | string | undefined };

export type CheckResult = { name: string; ok: boolean; reason?: string };

/** Runs every check (in parallel; a check that throws fails with its message). */
export async function runChecks(checks: readonly ReadinessCheck[]): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        const reason = await check();
        return reason === undefined ? { name, ok: true } : { name, ok: false, reason };
      } catch (error) {
        return { name, ok: false, reason: (error as Error).message };
      }
    }),
  );
}

/**
 * `/healthz` answers while the process is alive; `/readyz` answers 200 only when every check
 * passes, else 503 with each check's reason. Neither needs a session (probes and load balancers).
 */
export function registerHealth(api: Hono<AuthEnv>, checks: readonly ReadinessCheck[]): void {
  api.get('/healthz', (c) => c.text('ok'));
  api.get('/readyz', async (c) => {
    const results = await runChecks(checks);
    const ready = results.every((r) => r.ok);
    return c.json({ ready, checks: results }, ready ? 200 : 503);
  });
}

/** The store is readable and writable: one row written and read back (the SQLite file or PostgreSQL). */
export function storeCheck(store: Store): ReadinessCheck {
  return {
    name: 'store',
    check: async () => {
      await store.probe(new Date().toISOString());
      return undefined;
    },
  };
}

/** The config is loaded (it is, once the server runs; the check says what was loaded). */
export function configCheck(loaded: () => boolean): ReadinessCheck {
  return { name: 'config', check: () => (loaded() ? undefined : 'the configuration is not loaded') };
}

export type ClusterProbe = {
  names: readonly string[];
  /** When the cluster last answered, if ever. */
  lastContact(name: string): string | undefined;
  /** Asks the cluster now (a cheap call); resolves when it answered. */
  probe(name: string): Promise<void>;
  /** How recent "recently" is; default 2 minutes (longer than a blocking query's wait). */
  recentMs?: number;
  now?: () => number;
};

/** Every cluster answered recently; one that has been quiet is asked once, so an idle cluster still counts. */
export function clustersCheck(options: ClusterProbe): ReadinessCheck {
  const recentMs = options.recentMs ?? 120_000;
  const now = options.now ?? Date.now;
  return {
    name: 'clusters',
    check: async () => {
      const reasons = await Promise.all(
        options.names.map(async (name) => {
          const last = options.lastContact(name);
          if (last && now() - Date.parse(last) <= recentMs) return undefined;
          try {
            await options.probe(name);
            return undefined;
          } catch (error) {
            const since = last ? `last answered at ${last}` : 'never answered';
            return `cluster "${name}" ${since}: ${(error as Error).message}`;
          }
        }),
      );
      const failing = reasons.filter((r): r is string => r !== undefined);
      return failing.length > 0 ? failing.join('; ') : undefined;
    },
  };
}

/**
 * The whole HTTP surface of a Drover whose database failed its check at start: it stays up so
 * `/readyz` can say why (503, naming the file and the recovery); `/healthz` is ok and every
 * other route answers 503 DROVER_ERR_STORE. Nothing reconciles, so nothing is written to Nomad.
 */
export function storeFailedApi(message: string): Hono<AuthEnv> {
  const api = new Hono<AuthEnv>();
  registerHealth(api, [{ name: 'store', check: () => message }]);
  api.all('*', (c) => c.json({ error: { code: 'DROVER_ERR_STORE', message } }, ERRORS.DROVER_ERR_STORE.status));
  return api;
}
