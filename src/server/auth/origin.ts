import { networkInterfaces } from 'node:os';

/**
 * Which `Host` and `Origin` values name this server: the configured external URL and the
 * listen address (for a wildcard listener, every local interface). Anything else is a DNS
 * rebinding or a cross-site request and is refused.
 */
export class OriginGuard {
  private port = 0;
  private hosts = new Set<string>();
  private readonly external?: URL;

  constructor(
    private readonly listenHost: string,
    externalURL: string | undefined,
  ) {
    if (externalURL) this.external = new URL(externalURL);
  }

  /** Called once the listener has its port (port 0 picks one at start). */
  setPort(port: number): void {
    this.port = port;
    this.hosts = new Set(this.listenNames().map((name) => `${name}:${port}`));
    if (this.external) {
      const port = this.external.port || defaultPort(this.external.protocol);
      this.hosts.add(`${this.external.hostname}:${port}`);
    }
  }

  /** Whether a Host header (`name[:port]`) names this server. */
  hostAllowed(host: string | undefined, protocol = 'http:'): boolean {
    if (!host) return false;
    try {
      const url = new URL(`${protocol}//${host}`);
      return this.hosts.has(`${url.hostname}:${url.port || defaultPort(protocol)}`);
    } catch {
      return false;
    }
  }

  /** Whether an Origin header (`scheme://name[:port]`) is this server's. */
  originAllowed(origin: string): boolean {
    try {
      const url = new URL(origin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      if (this.external && url.origin === this.external.origin) return true;
      return this.hosts.has(`${url.hostname}:${url.port || defaultPort(url.protocol)}`);
    } catch {
      return false;
    }
  }

  /** The listen port this guard accepts (0 until set). */
  get listenPort(): number {
    return this.port;
  }

  private listenNames(): string[] {
    const host = this.listenHost.toLowerCase();
    const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
    if (host === '0.0.0.0' || host === '::' || host === '') {
      const local = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
      return ['localhost', ...local.map(bracket)];
    }
    const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
    return loopback ? [...new Set([bracket(host), 'localhost', '127.0.0.1', '[::1]'])] : [bracket(host)];
  }
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}
