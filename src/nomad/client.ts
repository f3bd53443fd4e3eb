import { DroverError } from '../domain/errors.js';

/** Options every Nomad call takes (Nomad's api.QueryOptions / WriteOptions). */
export type QueryOptions = {
  namespace?: string;
  region?: string;
  /** Blocking query: answer once the index is above this. */
  index?: number;
  /** Blocking query wait, a Go duration such as "30s". */
  wait?: string;
  signal?: AbortSignal;
  params?: Record<string, string | number | boolean | undefined>;
};

/** What Nomad reports about a read (api.QueryMeta). */
export type QueryMeta = {
  lastIndex: number;
  knownLeader: boolean;
};

export type NomadClientOptions = {
  address: string;
  token?: string;
  region?: string;
  namespace?: string;
  timeoutMs?: number;
};

/** An error answer from Nomad. Carries status, body and path, never the token. */
export class NomadAPIError extends DroverError {
  constructor(readonly statusCode: number, readonly body: string, readonly method: string, readonly path: string) {
    super('DROVER_ERR_NOMAD', `Nomad ${method} ${path}: unexpected response code ${statusCode} (${body.trim()})`, { status: statusCode, path });
  }
}

/** The HTTP core of the Nomad client: paths, options, headers and errors. Resource files build on it. */
export class NomadHTTP {
  readonly address: string;
  readonly #token: string | undefined;
  private readonly region: string | undefined;
  private readonly namespace: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: NomadClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.#token = options.token;
    this.region = options.region;
    this.namespace = options.namespace;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async request<T>(method: string, path: string, options: QueryOptions = {}, body?: unknown): Promise<{ data: T; meta: QueryMeta }> {
    const url = new URL(this.address + path);
    const params: Record<string, string | number | boolean | undefined> = {
      namespace: options.namespace ?? this.namespace,
      region: options.region ?? this.region,
      index: options.index,
      wait: options.wait,
      ...options.params,
    };
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['x-nomad-token'] = this.#token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signals = [AbortSignal.timeout(this.timeoutMs + (options.wait ? 310_000 : 0))];
    if (options.signal) signals.push(options.signal);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.any(signals) });
    } catch (error) {
      throw new DroverError('DROVER_ERR_NOMAD', `Nomad ${method} ${path}: ${describeFetchError(error)}`, { path }, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw new NomadAPIError(response.status, text, method, path);
    const meta: QueryMeta = {
      lastIndex: Number(response.headers.get('x-nomad-index') ?? 0),
      knownLeader: response.headers.get('x-nomad-knownleader') === 'true',
    };
    return { data: (text === '' ? null : JSON.parse(text)) as T, meta };
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
