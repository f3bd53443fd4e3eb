import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiClient } from './connect/client.js';
import { CliError } from './exit.js';
import type { IO } from './app/io.js';

const WAIT_MS = 5 * 60_000;

/**
 * The browser half of `drover login` on a server with SSO: a one-shot listener on 127.0.0.1
 * receives a one-time code from the server's OIDC callback, and the code is exchanged for an
 * API token. Resolves with the token's secret.
 */
export async function ssoLogin(client: ApiClient, io: IO, options: { openBrowser: boolean }): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  const { server, code } = await listenForCode(state);
  try {
    const { port } = server.address() as AddressInfo;
    const url = `${client.connection.server}/api/v1/session/oidc?cli_port=${port}&cli_state=${state}`;
    io.err.write(`Sign in in your browser: ${url}\n`);
    if (options.openBrowser) openInBrowser(url);
    const received = await code;
    const { secret } = await client.post<{ secret: string }>('/api/v1/session/cli-token', { code: received });
    return secret;
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

/** A listener for GET /callback?code&state; the promise settles on the first matching request. */
function listenForCode(state: string): Promise<{ server: Server; code: Promise<string> }> {
  let settle!: { resolve(code: string): void; reject(error: Error): void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const ok = url.searchParams.get('state') === state && url.searchParams.get('code');
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      ok
        ? 'Signed in to Drover. You can close this tab.\n'
        : 'This sign-in does not match the one drover login started.\n',
    );
    if (ok) settle.resolve(url.searchParams.get('code')!);
  });
  const timer = setTimeout(() => settle.reject(new CliError('no sign-in within 5 minutes')), WAIT_MS);
  timer.unref();
  void code.finally(() => clearTimeout(timer)).catch(() => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, code }));
  });
}

/** Best effort: the URL is printed anyway, for machines without a desktop. */
function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* no opener: the printed URL is enough */
  }
}
