import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import type { AllocationListStub, Deployment } from './types.js';

type DeploymentUpdateResponse = {
  EvalID: string;
  EvalCreateIndex: number;
  DeploymentModifyIndex: number;
  RevertedJobVersion?: number | null;
  Index: number;
};

/** Deployment endpoints (api/deployments.go). */
export class Deployments {
  constructor(private readonly http: NomadHTTP) {}

  async list(
    options: QueryOptions & { prefix?: string } = {},
  ): Promise<{ deployments: Deployment[]; meta: QueryMeta }> {
    const { prefix, ...rest } = options;
    const { data, meta } = await this.http.request<Deployment[]>({
      method: 'GET',
      path: '/v1/deployments',
      options: { ...rest, params: { ...rest.params, prefix } },
    });
    return { deployments: data ?? [], meta };
  }

  async info(id: string, options: QueryOptions = {}): Promise<{ deployment: Deployment; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Deployment>({
      method: 'GET',
      path: `/v1/deployment/${encodeURIComponent(id)}`,
      options,
    });
    return { deployment: data, meta };
  }

  async allocations(
    id: string,
    options: QueryOptions = {},
  ): Promise<{ allocations: AllocationListStub[]; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<AllocationListStub[]>({
      method: 'GET',
      path: `/v1/deployment/allocations/${encodeURIComponent(id)}`,
      options,
    });
    return { allocations: data ?? [], meta };
  }

  /** Promotes the canaries of every group (or of `groups`). */
  async promote(id: string, options: QueryOptions & { groups?: string[] } = {}): Promise<DeploymentUpdateResponse> {
    const { groups, ...rest } = options;
    const body = { DeploymentID: id, All: !groups, Groups: groups ?? null };
    const { data } = await this.http.request<DeploymentUpdateResponse>({
      method: 'PUT',
      path: `/v1/deployment/promote/${encodeURIComponent(id)}`,
      options: rest,
      body,
    });
    return data;
  }

  /** Marks a running deployment failed (which triggers auto-revert when the job asks for it). */
  async fail(id: string, options: QueryOptions = {}): Promise<DeploymentUpdateResponse> {
    const { data } = await this.http.request<DeploymentUpdateResponse>({
      method: 'PUT',
      path: `/v1/deployment/fail/${encodeURIComponent(id)}`,
      options,
    });
    return data;
  }
}
