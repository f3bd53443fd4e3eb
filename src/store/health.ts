import Database from 'better-sqlite3';
import { DroverError } from '../domain/errors.js';

/** Whether the store can be trusted: when it cannot, Drover stops writing to Nomad. */
export type StoreHealth = { ok: true } | { ok: false; file: string; reason: string; recovery: string };

/** What callers read of a store's health (a StoreMonitor on the SQLite file). */
export type StoreHealthView = { health(): StoreHealth; noteError(error: unknown): boolean };

/** SQLite result codes that mean the file is damaged or unreadable, not a passing conflict. */
const BROKEN = /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FULL)/;

/** True for an SQLite error that means the database file cannot be trusted. */
export function isStoreFailure(error: unknown): boolean {
  return BROKEN.test(String((error as { code?: unknown } | undefined)?.code ?? ''));
}

/** How to recover, said the same way everywhere: the store is a cache plus history. */
export function recoveryFor(file: string): string {
  return (
    `the database is only a cache plus history: stop Drover, move ${file} (with its -wal and -shm files) aside, ` +
    'and start again; Drover re-derives the state from git and the cluster (history starts anew)'
  );
}

/** The error a broken store is reported with, naming the file, the reason and the recovery. */
export function storeError(file: string, reason: string, cause?: unknown): DroverError {
  return new DroverError(
    'DROVER_ERR_STORE',
    `database ${file} is corrupt or unreadable (${reason}); ${recoveryFor(file)}`,
    { file },
    { cause },
  );
}

/**
 * Runs `PRAGMA quick_check` on a fresh connection, so it sees the file as a restart would and
 * not this process's page cache. Returns undefined when the file is sound (or the check could
 * not run for a passing reason, such as a busy file), else why it is not.
 */
export function quickCheck(file: string): string | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 });
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return problems.length === 0 ? undefined : problems.slice(0, 3).join('; ');
  } catch (error) {
    return isStoreFailure(error) ? `${(error as { code: string }).code}: ${(error as Error).message}` : undefined;
  } finally {
    db?.close();
  }
}

/**
 * Watches one database file: a periodic quick_check, and every SQLite error the process sees
 * (reported through noteError). Once failed, it stays failed: only a restart with a sound file
 * clears it, since a store that lied once cannot be trusted to record what Drover writes.
 */
export class StoreMonitor {
  private state: StoreHealth = { ok: true };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly onFailure: (health: StoreHealth & { ok: false }) => void = () => undefined,
  ) {}

  /** The store's health now. */
  health(): StoreHealth {
    return this.state;
  }

  /** Checks the file now; returns the health after. */
  check(): StoreHealth {
    if (!this.state.ok) return this.state;
    const problem = quickCheck(this.file);
    if (problem) this.fail(problem);
    return this.state;
  }

  /** Records an error from a store operation; returns true when it means the store is broken. */
  noteError(error: unknown): boolean {
    if (!isStoreFailure(error)) return false;
    this.fail(`${(error as { code: string }).code}: ${(error as Error).message}`);
    return true;
  }

  /** Checks every `intervalMs` until stop(); the timer never keeps the process alive. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private fail(reason: string): void {
    if (!this.state.ok) return;
    this.state = { ok: false, file: this.file, reason, recovery: recoveryFor(this.file) };
    this.onFailure(this.state);
  }
}
