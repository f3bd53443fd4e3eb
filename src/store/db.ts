import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStoreFailure, quickCheck, storeError } from './health.js';

export type DB = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file, checks it (`PRAGMA quick_check`) and applies
 * pending migrations in order. A corrupt or unreadable file fails with DROVER_ERR_STORE naming
 * the file and how to recover, never with a bare SQLite stack trace.
 */
export function openDatabase(file: string): DB {
  if (file === ':memory:') return configure(new Database(file));
  mkdirSync(dirname(file), { recursive: true });
  const problem = existsSync(file) ? quickCheck(file) : undefined;
  if (problem) throw storeError(file, problem);
  let db: DB | undefined;
  try {
    db = new Database(file);
    return configure(db);
  } catch (error) {
    db?.close();
    if (isStoreFailure(error))
      throw storeError(file, `${(error as { code: string }).code}: ${(error as Error).message}`, error);
    throw error;
  }
}

function configure(db: DB): DB {
  db.pragma('journal_mode = WAL');
  // The store is a cache plus history: losing the last transactions to a power cut is acceptable,
  // an fsync on every status write (blocking the event loop) is not.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  cacheStatements(db);
  return db;
}

/**
 * Makes `db.prepare` reuse one compiled statement per SQL text. The store's operations prepare
 * their SQL on every call; at a thousand apps that compiling was a visible share of the CPU.
 * Safe because no operation changes a statement's mode (pluck, raw, expand) or iterates one.
 */
function cacheStatements(db: DB): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      // SQL built from data (an IN list) must not grow the cache without bound.
      if (statements.size >= 512) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  }) as DB['prepare'];
}

function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number(file.split('_')[0]);
    if (version <= current) continue;
    db.transaction(() => {
      db.exec(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
      db.pragma(`user_version = ${version}`);
    })();
  }
}
