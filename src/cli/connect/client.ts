import { Agent, fetch, type Dispatcher } from 'undici';
import { CliError } from '../exit.js';
import type { Connection } from './connection.js';

/** One server-sent event. */
export type ServerEvent = { id?: string; event: string; data: unknown };

/** Drover's REST API as the CLI uses it: JSON in and out, errors as CliErrors with the server's code. */
export class ApiClient {
  private readonly dispatcher: Dispatcher | undefined;

  constructor(readonly connection: Connection) {
    const tls = connection.ca !== undefined || connection.insecureSkipVerify;
    this.dispatcher = tls
      ? new Agent({ connect: { ca: connection.ca, rejectUnauthorized: !connection.insecureSkipVerify } })
      : undefined;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path}: the server answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) throw apiError(method, path, response.status, json);
    return json as T;
  }

  /**
   * Follows `GET /api/v1/events` until `signal` aborts, calling `onEvent` for each event.
   * Resolves false when the server has no event stream (an older server), true when stopped.
   * `onOpen` runs once the server has accepted the stream.
   */
  async events(onEvent: (event: ServerEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<boolean> {
    let response;
    try {
      response = await this.send('GET', '/api/v1/events', undefined, signal, 'text/event-stream');
    } catch (error) {
      if (signal.aborted) return true;
      throw error;
    }
    if (response.status === 404) return false;
    if (!response.ok || !response.body) throw apiError('GET', '/api/v1/events', response.status, undefined);
    onOpen?.();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const event = parseEvent(block);
          if (event) onEvent(event);
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    return true;
  }

  private async send(method: string, path: string, body: unknown, signal?: AbortSignal, accept = 'application/json') {
    const headers: Record<string, string> = { accept };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.connection.server}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach ${this.connection.server}: ${why}`);
    }
  }
}

function apiError(method: string, path: string, status: number, json: unknown): CliError {
  const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error?.message) return new CliError(error.message, error.code);
  if (status === 401) return new CliError('the server wants a token: pass --token, set DROVER_TOKEN or drover login');
  return new CliError(`${method} ${path}: the server answered ${status}`);
}

/** One `id:`/`event:`/`data:` block of an event stream; comments (heartbeats) give nothing. */
export function parseEvent(block: string): ServerEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A plain-text event stays text.
  }
  return { ...(id !== undefined ? { id } : {}), event, data: parsed };
}
