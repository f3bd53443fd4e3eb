import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** A status of 0 drops the connection without an answer, as a crashed or partitioned agent does. */
type Fault = { method?: string; path: RegExp; query?: RegExp; status: number; body: string; remaining: number };

/**
 * A loopback HTTP proxy in front of a Nomad API (the simulator or a real agent) that counts
 * calls by method and path, and can delay or fail chosen requests. Used by tests and
 * benchmarks to see exactly what Drover asks of Nomad.
 */
export class NomadProxy {
  readonly calls: Array<{ method: string; path: string; query: string; at: number }> = [];
  /** Bytes of answer bodies sent back to the client (what the client read from Nomad), by path; reset() clears it. */
  readonly bytesRead = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private holds: Array<{ methods: string[]; path: RegExp }> = [];
  private readonly held = new Set<() => void>();
  private delayMs = 0;
  private delayQuery: RegExp | undefined;
  private server!: Server;
  url = '';

  private constructor(private readonly target: URL) {}

  static async start(target: string): Promise<NomadProxy> {
    const proxy = new NomadProxy(new URL(target));
    proxy.server = createServer((req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
    return proxy;
  }

  /** Answers the next `times` requests matching (path, optional query and method) with `status` and a plain-text body, as Nomad does. */
  fail(
    path: RegExp,
    status: number,
    options: { method?: string; times?: number; body?: string; query?: RegExp } = {},
  ): void {
    this.faults.push({
      path,
      status,
      method: options.method,
      query: options.query,
      body: options.body ?? 'injected failure',
      remaining: options.times ?? Infinity,
    });
  }

  /** Drops every open connection at once (in-flight blocking queries included), as a restarting agent does. */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Holds every request (or those whose query string matches) for `ms` before forwarding it. */
  delay(ms: number, query?: RegExp): void {
    this.delayMs = ms;
    this.delayQuery = query;
  }

  /**
   * Holds requests matching (method, path) without forwarding them, until release(). A held request
   * whose client goes away (a killed process) is dropped, never forwarded: it reached no Nomad.
   */
  hold(methods: string[], path: RegExp): void {
    this.holds.push({ methods, path });
  }

  /** Forwards the held requests whose clients are still there, and holds no more. */
  release(): void {
    this.holds = [];
    for (const resume of this.held) resume();
    this.held.clear();
  }

  reset(): void {
    this.calls.length = 0;
    this.bytesRead.clear();
  }

  /** Total answer bytes since the last reset, optionally only for paths matching `path`. */
  bytes(path?: RegExp): number {
    let total = 0;
    for (const [p, n] of this.bytesRead) if (!path || path.test(p)) total += n;
    return total;
  }

  count(method: string, path?: RegExp): number {
    return this.calls.filter((c) => c.method === method && (!path || path.test(c.path))).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    this.calls.push({ method: req.method ?? 'GET', path, query, at: Date.now() });
    if (this.holds.some((h) => h.methods.includes(req.method ?? '') && h.path.test(path))) {
      await new Promise<void>((resume) => {
        this.held.add(resume);
        req.socket.once('close', () => {
          this.held.delete(resume);
          resume();
        });
      });
      if (req.socket.destroyed) return;
    }
    if (this.delayMs > 0 && (!this.delayQuery || this.delayQuery.test(query)))
      await new Promise((r) => setTimeout(r, this.delayMs));
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        f.path.test(path) &&
        (!f.query || f.query.test(query)) &&
        (!f.method || f.method === req.method),
    );
    if (fault) {
      fault.remaining--;
      if (fault.status === 0) {
        req.socket.destroy();
        return;
      }
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' }).end(fault.body);
      return;
    }
    const upstream = httpRequest(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => this.bytesRead.set(path, (this.bytesRead.get(path) ?? 0) + chunk.length));
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(error.message));
    req.pipe(upstream);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
