import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import type { AllocationListStub, Evaluation } from './types.js';

/** Evaluation endpoints (api/evaluations.go). */
export class Evaluations {
  constructor(private readonly http: NomadHTTP) {}

  async list(
    options: QueryOptions & { prefix?: string; filter?: string } = {},
  ): Promise<{ evaluations: Evaluation[]; meta: QueryMeta }> {
    const { prefix, filter, ...rest } = options;
    const { data, meta } = await this.http.request<Evaluation[]>({
      method: 'GET',
      path: '/v1/evaluations',
      options: { ...rest, params: { ...rest.params, prefix, filter } },
    });
    return { evaluations: data ?? [], meta };
  }

  async info(id: string, options: QueryOptions = {}): Promise<{ evaluation: Evaluation; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Evaluation>({
      method: 'GET',
      path: `/v1/evaluation/${encodeURIComponent(id)}`,
      options,
    });
    return { evaluation: data, meta };
  }

  async allocations(
    id: string,
    options: QueryOptions = {},
  ): Promise<{ allocations: AllocationListStub[]; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<AllocationListStub[]>({
      method: 'GET',
      path: `/v1/evaluation/${encodeURIComponent(id)}/allocations`,
      options,
    });
    return { allocations: data ?? [], meta };
  }
}
