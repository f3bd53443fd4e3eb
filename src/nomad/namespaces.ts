import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import type { Namespace } from './types.js';

/** Namespace endpoints (api/namespace.go). */
export class Namespaces {
  constructor(private readonly http: NomadHTTP) {}

  async list(options: QueryOptions & { prefix?: string } = {}): Promise<{ namespaces: Namespace[]; meta: QueryMeta }> {
    const { prefix, ...rest } = options;
    const { data, meta } = await this.http.request<Namespace[]>({
      method: 'GET',
      path: '/v1/namespaces',
      options: { ...rest, params: { ...rest.params, prefix } },
    });
    return { namespaces: data ?? [], meta };
  }

  async info(name: string, options: QueryOptions = {}): Promise<{ namespace: Namespace; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Namespace>({
      method: 'GET',
      path: `/v1/namespace/${encodeURIComponent(name)}`,
      options,
    });
    return { namespace: data, meta };
  }

  /** Creates or updates a namespace (management token). */
  async register(
    namespace: { Name: string; Description?: string; Meta?: Record<string, string> | null },
    options: QueryOptions = {},
  ): Promise<QueryMeta> {
    const { meta } = await this.http.request<null>({
      method: 'PUT',
      path: `/v1/namespace/${encodeURIComponent(namespace.Name)}`,
      options,
      body: namespace,
      idempotent: true,
    });
    return meta;
  }

  async delete(name: string, options: QueryOptions = {}): Promise<QueryMeta> {
    const { meta } = await this.http.request<null>({
      method: 'DELETE',
      path: `/v1/namespace/${encodeURIComponent(name)}`,
      options,
    });
    return meta;
  }
}
