import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

export type Listening = { url: string; close(): Promise<void> };

/** PEM files for an HTTPS listener. */
export type ListenTLS = { certFile: string; keyFile: string };

/** Whether a listen host is loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Serves a Hono app on host:port, over HTTPS when `tls` is given; port 0 picks a free one. */
export function listen(app: { fetch: Hono['fetch'] }, host: string, port: number, tls?: ListenTLS): Promise<Listening> {
  const https = tls
    ? {
        createServer: createHttpsServer,
        serverOptions: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
      }
    : {};
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname: host, port, ...https }, (info) => {
      resolve({
        url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
