/** One server-sent event as received. */
export type SSEEvent = { id?: string; event: string; data: string };

/**
 * A minimal server-sent events reader over fetch, for tests: collects events as they arrive and
 * waits (bounded) for one matching a predicate.
 */
export class SSEClient {
  readonly events: SSEEvent[] = [];
  readonly comments: string[] = [];
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private done: Promise<void> | undefined;
  status = 0;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SSEClient> {
    const client = new SSEClient();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    client.status = response.status;
    if (response.body) client.done = client.read(response.body).catch(() => undefined);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private parse(block: string): void {
    const event: SSEEvent = { event: 'message', data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data += line.slice(6);
    }
    if (event.data !== '' || event.id !== undefined) this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until an event (received so far or later) matches; fails after `timeoutMs`. */
  async waitFor(match: (event: SSEEvent) => boolean, timeoutMs = 20_000): Promise<SSEEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Whether the server ended the stream (resolves once it did, or after `timeoutMs` with false). */
  async ended(timeoutMs = 10_000): Promise<boolean> {
    if (!this.done) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([this.done.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  close(): void {
    this.abort.abort();
  }
}
