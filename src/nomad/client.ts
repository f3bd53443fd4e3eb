import { readFileSync } from 'node:fs';
import { Agent, fetch, type Dispatcher, type Response } from 'undici';
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
      const { response, settled } = await this.once(spec);
      try {
        const text = await response.text();
        return { data: (text === '' ? null : JSON.parse(text)) as T, meta: readMeta(response) };
      } catch (error) {
        if (error instanceof SyntaxError) throw error;
        throw new NomadNetworkError(spec.method, spec.path, describeFetchError(error), error);
      } finally {
        settled();
      }
    });
  }

  /**
   * Sends a request and returns the open response once its headers arrive (for the event
   * stream): the timeout covers the wait for headers only. Errors and retries as `request`.
   */
  async send(spec: RequestSpec): Promise<Response> {
    return this.withRetries(spec, async () => {
      const { response, settled } = await this.once(spec);
      settled();
      return response;
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

  /** One HTTP exchange. The timeout runs until `settled()` (body read, or headers for a stream). */
  private async once(spec: RequestSpec): Promise<{ response: Response; settled: () => void }> {
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
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('request timed out', 'TimeoutError')),
      this.timeoutMs + waitMs,
    );
    const settled = () => clearTimeout(timer);
    const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
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
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: payload, signal, dispatcher: this.dispatcher });
    } catch (error) {
      settled();
      if (!options.signal?.aborted) report('network', undefined, describeFetchError(error));
      throw new NomadNetworkError(method, path, describeFetchError(error), error);
    }
    report(response.ok ? 'ok' : 'error', response.status, response.ok ? undefined : `HTTP ${response.status}`);
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      settled();
      const error = new NomadAPIError(response.status, body, method, path);
      error.lastIndex = Number(response.headers.get('x-nomad-index') ?? 0);
      throw error;
    }
    return { response, settled };
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

function readMeta(response: Response): QueryMeta {
  return {
    lastIndex: Number(response.headers.get('x-nomad-index') ?? 0),
    knownLeader: response.headers.get('x-nomad-knownleader') === 'true',
    lastContactMs: Number(response.headers.get('x-nomad-lastcontact') ?? 0),
    nextToken: response.headers.get('x-nomad-nexttoken') ?? '',
  };
}

function retryable(error: unknown): boolean {
  if (error instanceof NomadNetworkError) return !/aborted|AbortError/i.test(error.reason);
  if (error instanceof NomadAPIError) return error.statusCode === 429 || error.statusCode >= 500;
  return false;
}

function describeFetchError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') return 'request timed out';
  if (err.name === 'AbortError') return 'request aborted';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
}
