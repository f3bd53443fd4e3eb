import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (`npm run build`), as users run it. */
const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));
/** The CLI from the TypeScript sources: what tests run, so they never depend on a stale dist/. */
const SOURCES = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/dev.ts', import.meta.url))];

/** Admin tokens of the servers started here, by origin: getJSON sends them, as a real client would. */
const tokens = new Map<string, string>();

/** Creates an admin token offline with `drover token create`, as an operator does before the first start. */
export function createAdminToken(config: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(process.execPath, [...SOURCES, 'token', 'create', '--config', config, '--role', 'admin'], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', ...env },
  });
  if (result.status !== 0) throw new Error(`drover token create failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').pop()!;
}

/** Remembers the token getJSON sends to a server. */
export function useToken(url: string, token: string): void {
  tokens.set(new URL(url).origin, token);
}

export type Child = { process: ChildProcess; output(): string; stop(): Promise<void> };

/**
 * Starts `drover ARGS` (from the sources, or with `dist` the compiled bin/drover.js) and resolves
 * once a line matches `ready`. The child stops when the test process dies (its stdin closes), so
 * no server outlives a crashed run.
 */
export function startDrover(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  /**
   * `token`: one made beforehand (createAdminToken blocks this process, and with it any in-process
   * simulator); `false` for a server that cannot take one (a bad config, a corrupt database).
   * `dist`: run the compiled CLI (bin/drover.js) instead of the sources. `readyMs`: how long to wait for `ready`.
   */
  options: { token?: string | false; dist?: boolean; readyMs?: number } = {},
): Promise<Child & { match: RegExpMatchArray }> {
  // A server gets an admin token first; the test's requests to it carry it.
  const wantsToken = args[0] === 'server' && options.token !== false;
  const token =
    typeof options.token === 'string'
      ? options.token
      : wantsToken
        ? createAdminToken(args[args.indexOf('--config') + 1]!)
        : undefined;
  const child = spawn(process.execPath, [...(options.dist ? [BIN] : SOURCES), ...args], {
    env: {
      ...process.env,
      DROVER_STOP_ON_STDIN_EOF: '1',
      DROVER_LOG_LEVEL: 'warn',
      GIT_CONFIG_GLOBAL: '/dev/null',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`drover ${args.join(' ')} did not become ready:\n${output}`));
    }, options.readyMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        if (token && match[1]?.startsWith('http')) useToken(match[1], token);
        resolve({ process: child, match, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`drover ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getJSON<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const token = tokens.get(new URL(url).origin);
  const headers = new Headers(init?.headers);
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
