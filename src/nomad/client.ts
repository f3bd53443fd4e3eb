import { readFileSync } from 'node:fs';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { parseDuration } from '../domain/duration.js';
import { DroverError } from '../domain/errors.js';
import { NomadAPIError, NomadNetworkError } from './errors.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';
import type { TokenSource } from './token.js';

/** Options every Nomad call takes (Nomad's api.QueryOptions / WriteOptions). */
export type QueryOptions = {
  /** Target namespace; `*` lists across every namespace the token may see. */
  namespace?: string;
  region?: string;
  /** Overrides the client's token for this call. */
  token?: string;
  /** Blocking query: answer once the index is above this. */
  index?: number;
  /** Blocking query wait, a Go duration such as "30s" (Nomad caps it at 5 minutes). */
  wait?: string;
  /** Let any server answer (possibly stale) instead of the leader. */
  stale?: boolean;
  signal?: AbortSignal;
  /** Extra query parameters; undefined values are left out. */
  params?: Record<string, string | number | boolean | undefined>;
};

/** What Nomad reports about an answer (api.QueryMeta). Writes carry only `lastIndex`. */
export type QueryMeta = {
  lastIndex: number;
  knownLeader: boolean;
  lastContactMs: number;
  nextToken: string;
};

/** TLS settings, as NOMAD_CACERT, NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY, NOMAD_TLS_SERVER_NAME and NOMAD_SKIP_VERIFY. */
export type NomadTLSOptions = {
  /** Path of a PEM CA bundle to trust. */
  caCert?: string;
  /** Paths of the PEM client certificate and key, for mutual TLS. */
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
  skipVerify?: boolean;
};

export type NomadClientOptions = {
  address: string;
  /** The ACL token, or a function that returns the current one (a rotated token file). */
  token?: TokenSource;
  region?: string;
  namespace?: string;
  /** Time allowed for one request, on top of a blocking query's wait. Default 60 s. */
  timeoutMs?: number;
  tls?: NomadTLSOptions;
  retry?: Partial<RetryPolicy>;
  /** Told how each HTTP exchange ended (metrics, the cluster list's last contact). */
  onRequest?: (info: RequestReport) => void;
};

/** How one HTTP exchange with Nomad ended: an answer (ok or an error status) or none (`network`). */
export type RequestReport = {
  method: string;
  outcome: 'ok' | 'error' | 'network';
  status?: number;
  seconds: number;
  /** A blocking query: its time is mostly the wait. */
  blocking: boolean;
  error?: string;
};

/** One HTTP call. `idempotent` allows retries; reads are idempotent by default. */
export type RequestSpec = {
  method: string;
  path: string;
  options?: QueryOptions;
  body?: unknown;
  idempotent?: boolean;
  /** Send the body as-is (a string), not as JSON. */
  rawBody?: string;
};

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };
/** Nomad caps a blocking wait at 300 s and adds up to wait/16 of jitter. */
const MAX_WAIT_MS = 300_000 * (17 / 16);

/** The HTTP core of the Nomad client: paths, options, headers, TLS, retries and errors. Resource files build on it. */
export class NomadHTTP {
  readonly address: string;
  readonly #token: () => string | undefined;
  readonly region: string | undefined;
  readonly namespace: string | undefined;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly onRequest: ((info: RequestReport) => void) | undefined;

  constructor(options: NomadClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    const token = options.token;
    this.#token = typeof token === 'function' ? token : () => token || undefined;
    this.region = options.region || undefined;
    this.namespace = options.namespace || undefined;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onRequest = options.onRequest;
    this.dispatcher = new Agent({ connect: tlsConnectOptions(options.tls), headersTimeout: 0, bodyTimeout: 0 });
  }

  /** Sends a request and decodes the JSON answer; retries idempotent calls on network errors, 429 and 5xx. */
  async request<T>(spec: RequestSpec): Promise<{ data: T; meta: QueryMeta }> {
    return this.withRetries(spec, async () => {
      const exchange = await this.once(spec);
      try {
        const text = await exchange.answer.body.text();
        return { data: (text === '' ? null : JSON.parse(text)) as T, meta: readMeta(exchange.answer.headers) };
      } catch (error) {
        if (error instanceof SyntaxError) throw error;
        throw new NomadNetworkError(spec.method, spec.path, describeFetchError(error), error);
      } finally {
        exchange.settled();
        exchange.release();
      }
    });
  }

  /**
   * Sends a request and returns the open answer once its headers arrive (for the event
   * stream): the timeout covers the wait for headers only; the caller's signal still ends the
   * body. Errors and retries as `request`.
   */
  async send(spec: RequestSpec): Promise<StreamAnswer> {
    return this.withRetries(spec, async () => {
      const { answer, settled, release } = await this.once(spec);
      settled();
      answer.body.once('close', release);
      return {
        status: answer.statusCode,
        headers: answer.headers,
        body: answer.body,
        cancel: async () => {
          answer.body.destroy();
          release();
        },
      };
    });
  }

  private async withRetries<T>(spec: RequestSpec, call: () => Promise<T>): Promise<T> {
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'HEAD');
    const attempts = idempotent ? Math.max(1, this.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= attempts || !retryable(error) || spec.options?.signal?.aborted) throw error;
        await sleep(backoffDelay(this.retry, attempt), spec.options?.signal);
      }
    }
  }

  /**
   * One HTTP exchange, through undici's dispatcher API (`request`) rather than WHATWG fetch:
   * at thousands of calls a minute fetch's Request, Headers and per-request signal plumbing
   * were most of the client's CPU and garbage. The timeout runs until `settled()` (body read,
   * or headers for a stream); the caller's signal is followed until `release()`.
   */
  private async once(spec: RequestSpec): Promise<Exchange> {
    const { method, path, options = {} } = spec;
    const url = this.url(path, options);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.token || this.#token();
    if (token) headers['x-nomad-token'] = token;
    const payload = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const waitMs = options.index
      ? Math.min(options.wait ? parseDuration(options.wait) / 1e6 : 300_000, MAX_WAIT_MS)
      : 0;
    const { signal, settled, release } = abortable(options.signal, this.timeoutMs + waitMs);
    const started = performance.now();
    const report = (outcome: RequestReport['outcome'], status?: number, error?: string) =>
      this.onRequest?.({
        method,
        outcome,
        status,
        seconds: (performance.now() - started) / 1000,
        blocking: Boolean(options.index),
        error,
      });
    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: payload,
        signal,
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      settled();
      release();
      if (!options.signal?.aborted) report('network', undefined, describeFetchError(error));
      throw new NomadNetworkError(method, path, describeFetchError(error), error);
    }
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    report(ok ? 'ok' : 'error', answer.statusCode, ok ? undefined : `HTTP ${answer.statusCode}`);
    if (!ok) {
      const body = await answer.body.text().catch(() => '');
      settled();
      release();
      const error = new NomadAPIError(answer.statusCode, body, method, path);
      error.lastIndex = Number(header(answer.headers, 'x-nomad-index') ?? 0);
      throw error;
    }
    return { answer, settled, release };
  }

  private url(path: string, options: QueryOptions): URL {
    const url = new URL(this.address + path);
    const params: Record<string, string | number | boolean | undefined> = {
      namespace: options.namespace ?? this.namespace,
      region: options.region ?? this.region,
      index: options.index || undefined,
      wait: options.index ? options.wait : undefined,
      stale: options.stale || undefined,
      ...options.params,
    };
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Releases pooled connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function tlsConnectOptions(tls: NomadTLSOptions | undefined): Record<string, unknown> | undefined {
  if (!tls) return undefined;
  const read = (file: string | undefined, what: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new DroverError(
        'DROVER_ERR_CONFIG',
        `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { file },
      );
    }
  };
  if (Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    throw new DroverError('DROVER_ERR_CONFIG', 'NOMAD_CLIENT_CERT and NOMAD_CLIENT_KEY must be set together');
  }
  return {
    ca: read(tls.caCert, 'CA certificate'),
    cert: read(tls.clientCert, 'client certificate'),
    key: read(tls.clientKey, 'client key'),
    servername: tls.serverName || undefined,
    rejectUnauthorized: !tls.skipVerify,
  };
}

/** An answer whose body is still streaming (the event stream). */
export type StreamAnswer = {
  status: number;
  headers: IncomingHeaders;
  body: AsyncIterable<Buffer>;
  /** Stops reading and closes the connection's stream. */
  cancel(): Promise<void>;
};

type IncomingHeaders = Record<string, string | string[] | undefined>;

type Exchange = { answer: Dispatcher.ResponseData; settled: () => void; release: () => void };

/**
 * One signal per request: aborted by the timeout (until `settled`) or by the caller's signal
 * (until `release`). A listener on the caller's signal, removed on release, rather than
 * AbortSignal.any: on Node 20 each `any` over a long-lived signal (a watch's) stays referenced
 * from it until that signal is collected, which grew the heap by thousands of entries an hour.
 */
function abortable(
  outer: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; settled: () => void; release: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    settled: () => clearTimeout(timer),
    release: () => outer?.removeEventListener('abort', onAbort),
  };
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readMeta(headers: IncomingHeaders): QueryMeta {
  return {
    lastIndex: Number(header(headers, 'x-nomad-index') ?? 0),
    knownLeader: header(headers, 'x-nomad-knownleader') === 'true',
    lastContactMs: Number(header(headers, 'x-nomad-lastcontact') ?? 0),
    nextToken: header(headers, 'x-nomad-nexttoken') ?? '',
  };
}

function retryable(error: unknown): boolean {
  if (error instanceof NomadNetworkError) return !/aborted|AbortError/i.test(error.reason);
  if (error instanceof NomadAPIError) return error.statusCode === 429 || error.statusCode >= 500;
  return false;
}

function describeFetchError(error: unknown): string {
  type Cause = { name?: string; code?: string; message?: string };
  const err = error as Cause & { cause?: Cause };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') return 'request timed out';
  if (err.name === 'AbortError' || err.code === 'UND_ERR_ABORTED') return 'request aborted';
  // System errors (ECONNREFUSED, ECONNRESET) carry their code on the error or on its cause.
  return (
    err.cause?.code ??
    (err.code?.startsWith('E') ? err.code : undefined) ??
    err.cause?.message ??
    err.message ??
    String(error)
  );
}
