import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DroverError } from '../domain/errors.js';

/** The data directory's lock, held until release() or until the process dies. */
export type DataDirLock = { readonly file: string; release(): void };

/**
 * Locks the data directory so two Drover processes never share it. The lock is SQLite's own
 * exclusive lock (POSIX advisory locks, taken by the kernel for the open file) on a dedicated
 * `drover.lock` database held in `locking_mode=EXCLUSIVE`: it needs no new dependency, works on
 * every platform SQLite does, and the kernel drops it when the process dies, even by SIGKILL,
 * so a crash never leaves a stale lock behind. The holder's PID is written beside it
 * (`drover.lock.pid`) only to name it in the refusal; the PID file itself locks nothing.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'drover.lock');
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write transaction takes the exclusive lock; locking_mode keeps it after COMMIT.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder VALUES (?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw lockedError(dir, file);
  }
  writeFileSync(`${file}.pid`, `${process.pid}\n`);
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

function lockedError(dir: string, file: string): DroverError {
  let holder = 'another process';
  try {
    const pid = Number(readFileSync(`${file}.pid`, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) holder = `process ${pid}`;
  } catch {
    /* no PID file: the holder is not named */
  }
  return new DroverError(
    'DROVER_ERR_DATA_DIR_LOCKED',
    `data directory ${dir} is in use by ${holder} (lock ${file}); ` +
      'two Drover servers must not share a data_dir: stop the other one, or give this one its own data_dir',
    { dir, file },
  );
}
