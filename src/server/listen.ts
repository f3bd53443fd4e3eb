import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import type { Env, Hono } from 'hono';

export type Listening = { url: string; close(): Promise<void> };

/** PEM files for an HTTPS listener. */
export type ListenTLS = { certFile: string; keyFile: string };

/** Serves a Hono app on host:port, over HTTPS when `tls` is given; port 0 picks a free one. */
export function listen<E extends Env>(app: Hono<E>, host: string, port: number, tls?: ListenTLS): Promise<Listening> {
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
