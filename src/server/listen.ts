import { serve, type ServerType } from '@hono/node-server';
import type { Env, Hono } from 'hono';

export type Listening = { url: string; close(): Promise<void> };

/** Serves a Hono app on host:port; port 0 picks a free one. */
export function listen<E extends Env>(app: Hono<E>, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
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
