import type { AddressInfo } from 'node:net';

/** What net, http and ssh2 servers share for listening. */
type Listener = {
  once(event: 'error', listener: (error: Error) => void): unknown;
  listen(port: number, host: string, callback: () => void): unknown;
  address(): unknown;
};

/** Listens on a free port of 127.0.0.1 and resolves with it. */
export function listenOnLoopback(server: Listener): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
