import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import { NomadAPIError } from './errors.js';
import type { Variable, VariableMetadata } from './types.js';

/** A check-and-set conflict (409): Nomad sends the variable that is there now. */
export class VariableConflictError extends Error {
  constructor(readonly current: Variable | VariableMetadata) {
    super(
      `variable ${current.Path} changed: check-and-set index does not match (current ModifyIndex ${current.ModifyIndex})`,
    );
    this.name = 'VariableConflictError';
  }
}

const varPath = (path: string) => `/v1/var/${path.split('/').map(encodeURIComponent).join('/')}`;

/** Variables and their locks (api/variables.go; locks since Nomad 1.7). */
export class Variables {
  constructor(private readonly http: NomadHTTP) {}

  /** Lists metadata only (no Items). */
  async list(
    options: QueryOptions & { prefix?: string } = {},
  ): Promise<{ variables: VariableMetadata[]; meta: QueryMeta }> {
    const { prefix, ...rest } = options;
    const { data, meta } = await this.http.request<VariableMetadata[]>({
      method: 'GET',
      path: '/v1/vars',
      options: { ...rest, params: { ...rest.params, prefix } },
    });
    return { variables: data ?? [], meta };
  }

  /** Reads a variable; undefined when it does not exist. */
  async read(path: string, options: QueryOptions = {}): Promise<{ variable: Variable | undefined; meta: QueryMeta }> {
    try {
      const { data, meta } = await this.http.request<Variable>({ method: 'GET', path: varPath(path), options });
      return { variable: data, meta };
    } catch (error) {
      if (error instanceof NomadAPIError && error.statusCode === 404)
        return {
          variable: undefined,
          meta: { lastIndex: error.lastIndex, knownLeader: false, lastContactMs: 0, nextToken: '' },
        };
      throw error;
    }
  }

  /**
   * Writes a variable. With `cas` (0 = create only) a conflict throws VariableConflictError.
   * A locked variable takes writes only from its holder: pass the lock's ID as `lockId`.
   */
  async put(
    path: string,
    items: Record<string, string>,
    options: QueryOptions & { cas?: number; lockId?: string } = {},
  ): Promise<Variable> {
    const { cas, lockId, ...rest } = options;
    const body = { Path: path, Items: items, ...(lockId ? { Lock: { ID: lockId } } : {}) };
    return this.write('PUT', path, body, { ...rest, params: { ...rest.params, cas } });
  }

  /** Deletes a variable (optionally check-and-set). */
  async delete(path: string, options: QueryOptions & { cas?: number } = {}): Promise<void> {
    const { cas, ...rest } = options;
    await this.write('DELETE', path, undefined, { ...rest, params: { ...rest.params, cas } });
  }

  /** Takes the variable's lock (creating the variable if needed). Keep `Lock.ID` to renew and release. */
  async acquireLock(
    path: string,
    lock: { ttl?: string; lockDelay?: string; items?: Record<string, string> } = {},
    options: QueryOptions = {},
  ): Promise<Variable> {
    const body: Record<string, unknown> = {
      Path: path,
      Lock: { TTL: lock.ttl ?? '15s', LockDelay: lock.lockDelay ?? '15s' },
    };
    if (lock.items) body.Items = lock.items;
    return this.write('PUT', path, body, { ...options, params: { ...options.params, 'lock-acquire': '' } }, true);
  }

  /** Renews a held lock before its TTL runs out. */
  async renewLock(path: string, lockId: string, options: QueryOptions = {}): Promise<VariableMetadata> {
    return this.write(
      'PUT',
      path,
      { Path: path, Lock: { ID: lockId } },
      { ...options, params: { ...options.params, 'lock-renew': '' } },
      true,
    );
  }

  /** Releases a held lock. */
  async releaseLock(path: string, lockId: string, options: QueryOptions = {}): Promise<VariableMetadata> {
    return this.write(
      'PUT',
      path,
      { Path: path, Lock: { ID: lockId } },
      { ...options, params: { ...options.params, 'lock-release': '' } },
      true,
    );
  }

  private async write<T>(method: string, path: string, body: unknown, options: QueryOptions, flag = false): Promise<T> {
    try {
      const { data } = await this.http.request<T>({
        method,
        path: varPath(path),
        options: flagOptions(options, flag),
        body,
      });
      return data;
    } catch (error) {
      if (error instanceof NomadAPIError && error.statusCode === 409 && error.body.trim().startsWith('{')) {
        throw new VariableConflictError(JSON.parse(error.body) as Variable);
      }
      throw error;
    }
  }
}

/** Lock flags are bare query keys (`?lock-acquire`); an empty value keeps them present. */
function flagOptions(options: QueryOptions, flag: boolean): QueryOptions {
  if (!flag) return options;
  const params = Object.fromEntries(Object.entries(options.params ?? {}).map(([k, v]) => [k, v === '' ? 'true' : v]));
  return { ...options, params };
}
