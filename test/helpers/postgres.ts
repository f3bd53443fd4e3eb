import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL server for tests: a throwaway cluster, or the one DROVER_TEST_POSTGRES_URL names. */
export type TestPostgres = {
  /** A URL for a fresh, empty database of its own. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
};

/** Why no server is available, when none is: the suite skips with this reason. */
export type NoPostgres = { skip: string };

const BIN_ROOT = '/usr/lib/postgresql';

function binDir(): string | undefined {
  if (!existsSync(BIN_ROOT)) return undefined;
  const versions = readdirSync(BIN_ROOT).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(BIN_ROOT, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb and pg_ctl refuse to run as root: run them as `postgres` then. */
function asPostgres(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: 'pipe', timeout: 60_000 });
}

/**
 * Starts a throwaway cluster in a temp dir (initdb + pg_ctl, trust auth, 127.0.0.1 on a free port, its
 * socket in the temp dir) unless DROVER_TEST_POSTGRES_URL is set. A watchdog stops the cluster if the
 * test process dies without running its `after` hooks.
 */
export async function startTestPostgres(): Promise<TestPostgres | NoPostgres> {
  const found = await findPostgres();
  // CI sets this: there the PostgreSQL suites must run, so a server that does not start fails them.
  if ('skip' in found && process.env.DROVER_TEST_REQUIRE_POSTGRES === '1')
    throw new Error(`DROVER_TEST_REQUIRE_POSTGRES=1, but ${found.skip}`);
  return found;
}

async function findPostgres(): Promise<TestPostgres | NoPostgres> {
  const given = process.env.DROVER_TEST_POSTGRES_URL;
  if (given) return fromServer(given, async () => undefined);
  const bin = binDir();
  if (!bin)
    return { skip: 'DROVER_TEST_POSTGRES_URL is unset and no PostgreSQL is installed (apt-get install postgresql)' };
  const dir = mkdtempSync(join(tmpdir(), 'drover-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = join(bin, 'pg_ctl');
  try {
    asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    asPostgres(pgCtl, ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { skip: `DROVER_TEST_POSTGRES_URL is unset and a throwaway PostgreSQL did not start: ${stderr || error}` };
  }
  const stopNow = () => {
    try {
      asPostgres(pgCtl, ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  watchdog(pgCtl, data, dir);
  return fromServer(`postgres://postgres@127.0.0.1:${port}/postgres`, async () => {
    process.removeListener('exit', stopNow);
    stopNow();
  });
}

/** A detached shell that stops the cluster once this process is gone (even after a SIGKILL). */
function watchdog(pgCtl: string, data: string, dir: string): void {
  const stop = process.getuid?.() === 0 ? `runuser -u postgres -- ${pgCtl}` : pgCtl;
  const script = `while kill -0 ${process.pid} 2>/dev/null && [ -d ${data} ]; do sleep 2; done; [ -d ${data} ] && ${stop} -D ${data} -m immediate stop >/dev/null 2>&1; rm -rf ${dir}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

async function fromServer(url: string, stop: () => Promise<void>): Promise<TestPostgres> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let n = 0;
  const made: string[] = [];
  return {
    newDatabase: async () => {
      const name = `drover_test_${process.pid}_${Date.now().toString(36)}_${n++}`;
      await admin.query(`CREATE DATABASE ${name}`);
      made.push(name);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    stop: async () => {
      // On a server we were given, leave nothing behind.
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await stop();
    },
  };
}
