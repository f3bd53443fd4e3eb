import pg from 'pg';
import type { StoreHealth, StoreHealthView } from '../health.js';

/** Socket-level failures of the connection to the server. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** The driver's own messages for a lost or timed-out connection. */
const DRIVER = /Connection terminated|timeout exceeded when trying to connect|Query read timeout/;

/** True for an error of the PostgreSQL server or of the connection to it. */
export function isPostgresFailure(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return NETWORK.has(String(code)) || DRIVER.test(String(message ?? ''));
}

/**
 * The shared store's health as callers read it. Unlike the SQLite file, a server that fails now may
 * answer in a second, so it never closes the store: the failed reconcile is retried with backoff,
 * an API call answers 503 DROVER_ERR_STORE, and /readyz probes the server on every call.
 */
export class SharedStoreHealth implements StoreHealthView {
  health(): StoreHealth {
    return { ok: true };
  }

  /** True when the error came from PostgreSQL (so the API answers 503, not 500); the store stays open. */
  noteError(error: unknown): boolean {
    return isPostgresFailure(error);
  }
}
