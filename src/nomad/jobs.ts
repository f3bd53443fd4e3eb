import type { NomadJob } from '../domain/job.js';
import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';

/** One entry of GET /v1/jobs (JobListStub). */
export type JobListStub = {
  ID: string;
  ParentID: string;
  Name: string;
  Namespace: string;
  Type: string;
  Priority: number;
  Status: string;
  Stop: boolean;
  Periodic: boolean;
  ParameterizedJob: boolean;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
  Meta?: Record<string, string> | null;
};

export type RegisterOptions = QueryOptions & {
  /** Check-and-set against the live JobModifyIndex; 0 means "create only". */
  enforceIndex?: number;
  preserveCounts?: boolean;
};

export type RegisterResponse = {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings: string;
};

export type DeregisterResponse = {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
};

/** Job endpoints (Nomad's api/jobs.go). */
export class Jobs {
  constructor(private readonly http: NomadHTTP) {}

  async list(options: QueryOptions & { prefix?: string; meta?: boolean; filter?: string } = {}): Promise<{ jobs: JobListStub[]; meta: QueryMeta }> {
    const { prefix, meta, filter, ...rest } = options;
    const { data, meta: qm } = await this.http.request<JobListStub[]>('GET', '/v1/jobs', { ...rest, params: { ...rest.params, prefix, meta: meta || undefined, filter } });
    return { jobs: data ?? [], meta: qm };
  }

  /** Reads one job; undefined when Nomad answers 404. */
  async read(id: string, options: QueryOptions = {}): Promise<{ job: NomadJob | undefined; meta: QueryMeta }> {
    try {
      const { data, meta } = await this.http.request<NomadJob>('GET', `/v1/job/${encodeURIComponent(id)}`, options);
      return { job: data, meta };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return { job: undefined, meta: { lastIndex: 0, knownLeader: false } };
      throw error;
    }
  }

  async register(job: NomadJob, options: RegisterOptions = {}): Promise<RegisterResponse> {
    const { enforceIndex, preserveCounts, ...rest } = options;
    const body: Record<string, unknown> = { Job: job };
    if (enforceIndex !== undefined) {
      body.EnforceIndex = true;
      body.JobModifyIndex = enforceIndex;
    }
    if (preserveCounts) body.PreserveCounts = true;
    const { data } = await this.http.request<RegisterResponse>('PUT', `/v1/job/${encodeURIComponent(job.ID)}`, rest, body);
    return data;
  }

  /** Stops a job (or purges it with `purge`); Nomad keeps a stopped job's history. */
  async deregister(id: string, options: QueryOptions & { purge?: boolean } = {}): Promise<DeregisterResponse> {
    const { purge, ...rest } = options;
    const { data } = await this.http.request<DeregisterResponse>('DELETE', `/v1/job/${encodeURIComponent(id)}`, { ...rest, params: { ...rest.params, purge: purge || undefined } });
    return data;
  }
}
