import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Hono } from 'hono';
import { listen } from './listen.js';

test('with tls, the listener serves HTTPS with the configured certificate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  const app = new Hono().get('/healthz', (c) => c.text('ok'));
  const server = await listen(app, '127.0.0.1', 0, { certFile: cert, keyFile: key });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { ca: readFileSync(cert) }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'ok');
    // Plain HTTP to the TLS port gets no answer from the app.
    await assert.rejects(fetch(server.url.replace('https:', 'http:') + '/healthz').then((r) => r.text()));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
