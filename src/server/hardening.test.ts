import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { DroverError } from '../domain/errors.js';
import { requestBodyLimit, securityHeaders } from './hardening.js';
import { listen, type Listening } from './listen.js';

const LIMIT = 64 * 1024;

/** Streams `total` bytes in 64 KiB chunks without Content-Length, stopping once an answer arrives. */
function streamUntilAnswered(
  url: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sent });
      });
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('hardening middleware over real HTTP', () => {
  let server: Listening;
  before(async () => {
    const app = new Hono();
    app.use(securityHeaders({ tls: false }));
    app.use(requestBodyLimit(LIMIT, ['/own-limit']));
    app.onError((error, c) =>
      error instanceof DroverError
        ? c.json({ error: { code: error.code, message: error.message } }, error.status as 413)
        : c.json({ error: String(error) }, 500),
    );
    app.post('/echo', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    app.post('/own-limit', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    app.get('/', (c) => c.html('<p>hi</p>'));
    server = await listen(app, '127.0.0.1', 0);
  });
  after(() => server.close());

  test('every answer carries the security headers and no CORS header', async () => {
    for (const [path, init] of [
      ['/', {}],
      ['/nope', {}],
      ['/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) }],
    ] as const) {
      const response = await fetch(server.url + path, { ...init, headers: { origin: 'https://evil.example' } });
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('access-control-allow-origin'), null, path);
      assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS without TLS');
    }
  });

  test('a declared Content-Length over the limit gets 413; one under it passes', async () => {
    const over = await fetch(server.url + '/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    assert.equal(over.status, 413);
    assert.equal(((await over.json()) as { error: { code: string } }).error.code, 'DROVER_ERR_PAYLOAD_TOO_LARGE');
    const under = await fetch(server.url + '/echo', { method: 'POST', body: 'x'.repeat(LIMIT) });
    assert.deepEqual(await under.json(), { bytes: LIMIT });
  });

  test('a 200 MB streamed body without Content-Length gets 413 long before its end, and memory stays flat', async () => {
    const rssBefore = process.memoryUsage().rss;
    const answer = await streamUntilAnswered(server.url + '/echo', 200 * 1024 * 1024);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.equal(answer.status, 413);
    assert.match(answer.body, /DROVER_ERR_PAYLOAD_TOO_LARGE/);
    assert.match(answer.body, /limit of 65536 bytes/);
    assert.ok(answer.sent < 100 * 1024 * 1024, `answered after ${answer.sent} bytes, not at the end`);
    assert.ok(grown < 64 * 1024 * 1024, `RSS grew by ${grown} bytes`);
  });

  test('a route with its own limit is left to it', async () => {
    const response = await fetch(server.url + '/own-limit', { method: 'POST', body: 'x'.repeat(LIMIT * 2) });
    assert.deepEqual(await response.json(), { bytes: LIMIT * 2 });
  });
});
