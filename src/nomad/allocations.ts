import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import type { Allocation, AllocationListStub } from './types.js';

/** Allocation endpoints (api/allocations.go). */
export class Allocations {
  constructor(private readonly http: NomadHTTP) {}

  async list(
    options: QueryOptions & { prefix?: string; filter?: string } = {},
  ): Promise<{ allocations: AllocationListStub[]; meta: QueryMeta }> {
    const { prefix, filter, ...rest } = options;
    const { data, meta } = await this.http.request<AllocationListStub[]>({
      method: 'GET',
      path: '/v1/allocations',
      options: { ...rest, params: { ...rest.params, prefix, filter } },
    });
    return { allocations: data ?? [], meta };
  }

  async info(id: string, options: QueryOptions = {}): Promise<{ allocation: Allocation; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Allocation>({
      method: 'GET',
      path: `/v1/allocation/${encodeURIComponent(id)}`,
      options,
    });
    return { allocation: data, meta };
  }
}
