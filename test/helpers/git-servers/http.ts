import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.js';

/** One request the HTTP git server answered, for tests that count round trips. */
export type GitHTTPRequest = {
  method: string;
  path: string;
  query: string;
  user?: string;
  status: number;
  body: string;
};

export type GitHTTPServer = {
  port: number;
  url(repo: string): string;
  requests: GitHTTPRequest[];
  stop(): Promise<void>;
};

/**
 * `git http-backend` (smart HTTP) behind a small Node server on 127.0.0.1. With `auth`,
 * every request needs HTTP basic auth with that user and password, as a git host with a
 * token would; without it the repositories are public.
 */
export async function startGitHTTP(
  root: string,
  auth?: { username: string; password: string },
): Promise<GitHTTPServer> {
  const requests: GitHTTPRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: GitHTTPRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 0,
      body: body.toString('latin1'),
    };
    requests.push(record);
    const user = basicUser(req, auth);
    if (auth && !user) {
      record.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('authentication required');
      return;
    }
    record.user = user;
    const child = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        REMOTE_USER: user ?? '',
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
    child.once('close', () => respondCGI(res, Buffer.concat(out), record));
  }

  const port = await listenOnLoopback(server);
  return {
    port,
    requests,
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function basicUser(req: IncomingMessage, auth: { username: string; password: string } | undefined): string | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (auth && (user !== auth.username || password !== auth.password)) return undefined;
  return user;
}

/** Turns a CGI response (headers, blank line, body) into an HTTP response. */
function respondCGI(res: ServerResponse, output: Buffer, record: GitHTTPRequest): void {
  const split = output.indexOf('\r\n\r\n');
  const headerEnd = split >= 0 ? split : output.indexOf('\n\n');
  const sep = split >= 0 ? 4 : 2;
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of output.subarray(0, headerEnd).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  record.status = status;
  res.writeHead(status, headers).end(output.subarray(headerEnd + sep));
}
