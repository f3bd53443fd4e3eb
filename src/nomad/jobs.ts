import type { NomadJob } from '../domain/job.js';
import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import { isNomadStatus, type NomadAPIError } from './errors.js';
import type { AllocationListStub, Deployment, DesiredUpdates, Evaluation, JobDiff, JobSummary } from './types.js';

/** One entry of GET /v1/jobs (JobListStub). */
export type JobListStub = {
  ID: string;
  ParentID: string;
  Name: string;
  Namespace: string;
  Datacenters: string[] | null;
  NodePool: string;
  Type: string;
  Priority: number;
  Status: string;
  StatusDescription: string;
  Stop: boolean;
  Periodic: boolean;
  ParameterizedJob: boolean;
  JobSummary: JobSummary | null;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
  Meta?: Record<string, string> | null;
  /**
   * Drover's own, never in Nomad's answers: the Raft index of the latest Deployment event the
   * inventory's event stream delivered for this job. Present only while the stream follows the
   * job, so that health can tell a deployment that moved from one that did not.
   */
  DeploymentIndex?: number;
};

/** The original source of a job (Nomad 1.6+), sent with register and read back per version. */
export type JobSubmission = {
  Source: string;
  Format: 'hcl2' | 'json' | string;
  VariableFlags?: Record<string, string> | null;
  Variables?: string;
};

export type RegisterOptions = QueryOptions & {
  /** Check-and-set against the live JobModifyIndex; 0 means "create only". */
  enforceIndex?: number;
  preserveCounts?: boolean;
  preserveResources?: boolean;
  submission?: JobSubmission;
  evalPriority?: number;
  policyOverride?: boolean;
};

export type RegisterResponse = {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings: string;
  meta: QueryMeta;
};
export type DeregisterResponse = { EvalID: string; EvalCreateIndex: number; JobModifyIndex: number; meta: QueryMeta };

export type PlanResponse = {
  JobModifyIndex: number;
  CreatedEvals: Evaluation[] | null;
  Diff: JobDiff | null;
  Annotations: {
    DesiredTGUpdates: Record<string, DesiredUpdates> | null;
    PreemptedAllocs: AllocationListStub[] | null;
  } | null;
  FailedTGAllocs: Record<string, unknown> | null;
  NextPeriodicLaunch: string;
  Warnings: string;
};

export type ValidateResponse = {
  DriverConfigValidated: boolean;
  ValidationErrors: string[] | null;
  Error: string;
  Warnings: string;
};
export type DispatchResponse = {
  DispatchedJobID: string;
  EvalID: string;
  EvalCreateIndex: number;
  JobCreateIndex: number;
  Index: number;
};

const jobPath = (id: string, rest = '') => `/v1/job/${encodeURIComponent(id)}${rest}`;

/** Job endpoints (Nomad's api/jobs.go). Reads take blocking-query options and return meta. */
export class Jobs {
  constructor(private readonly http: NomadHTTP) {}

  /** Lists jobs (children of periodic and parameterized jobs included: they carry ParentID). */
  async list(
    options: QueryOptions & {
      prefix?: string;
      meta?: boolean;
      filter?: string;
      perPage?: number;
      nextToken?: string;
    } = {},
  ): Promise<{ jobs: JobListStub[]; meta: QueryMeta }> {
    const { prefix, meta, filter, perPage, nextToken, ...rest } = options;
    const params = {
      ...rest.params,
      prefix,
      meta: meta || undefined,
      filter,
      per_page: perPage,
      next_token: nextToken,
    };
    const { data, meta: qm } = await this.http.request<JobListStub[]>({
      method: 'GET',
      path: '/v1/jobs',
      options: { ...rest, params },
    });
    return { jobs: data ?? [], meta: qm };
  }

  /** Reads one job; `job` is undefined when Nomad answers 404. */
  async read(id: string, options: QueryOptions = {}): Promise<{ job: NomadJob | undefined; meta: QueryMeta }> {
    return this.maybe(() => this.http.request<NomadJob>({ method: 'GET', path: jobPath(id), options }), 'job');
  }

  /** Registers (creates or updates) a job. With `enforceIndex`, a stale index fails with Nomad's 500 conflict. */
  async register(job: NomadJob, options: RegisterOptions = {}): Promise<RegisterResponse> {
    const { enforceIndex, preserveCounts, preserveResources, submission, evalPriority, policyOverride, ...rest } =
      options;
    const body: Record<string, unknown> = { Job: job };
    if (enforceIndex !== undefined) Object.assign(body, { EnforceIndex: true, JobModifyIndex: enforceIndex });
    if (preserveCounts) body.PreserveCounts = true;
    if (preserveResources) body.PreserveResources = true;
    if (submission) body.Submission = submission;
    if (evalPriority) body.EvalPriority = evalPriority;
    if (policyOverride) body.PolicyOverride = true;
    const { data, meta } = await this.http.request<Omit<RegisterResponse, 'meta'>>({
      method: 'PUT',
      path: jobPath(job.ID),
      options: rest,
      body,
    });
    return { ...data, meta };
  }

  /** Dry-runs a register; with `diff` (default true) the answer carries Nomad's JobDiff. */
  async plan(
    job: NomadJob,
    options: QueryOptions & { diff?: boolean; policyOverride?: boolean } = {},
  ): Promise<PlanResponse & { meta: QueryMeta }> {
    const { diff = true, policyOverride, ...rest } = options;
    const body = { Job: job, Diff: diff, PolicyOverride: policyOverride === true };
    const { data, meta } = await this.http.request<PlanResponse>({
      method: 'PUT',
      path: jobPath(job.ID, '/plan'),
      options: rest,
      body,
      idempotent: true,
    });
    return { ...data, meta };
  }

  /** Converts HCL2 to API JSON on the server (`/v1/jobs/parse`); `canonicalize` applies the api defaults. */
  async parse(
    hcl: string,
    options: QueryOptions & { variables?: string; canonicalize?: boolean } = {},
  ): Promise<NomadJob> {
    const { variables, canonicalize, ...rest } = options;
    const body = { JobHCL: hcl, Variables: variables ?? '', Canonicalize: canonicalize === true };
    const { data } = await this.http.request<NomadJob>({
      method: 'PUT',
      path: '/v1/jobs/parse',
      options: rest,
      body,
      idempotent: true,
    });
    return data;
  }

  /** Validates a job without registering it. Problems come back in the answer, not as an error. */
  async validate(job: NomadJob, options: QueryOptions = {}): Promise<ValidateResponse> {
    const { data } = await this.http.request<ValidateResponse>({
      method: 'PUT',
      path: '/v1/validate/job',
      options,
      body: { Job: job },
      idempotent: true,
    });
    return data;
  }

  /** Stops a job (or deletes it with `purge`). A missing job answers 200 with an empty EvalID. */
  async deregister(
    id: string,
    options: QueryOptions & {
      purge?: boolean;
      global?: boolean;
      evalPriority?: number;
      noShutdownDelay?: boolean;
    } = {},
  ): Promise<DeregisterResponse> {
    const { purge, global, evalPriority, noShutdownDelay, ...rest } = options;
    const params = {
      ...rest.params,
      purge: purge || undefined,
      global: global || undefined,
      eval_priority: evalPriority,
      no_shutdown_delay: noShutdownDelay || undefined,
    };
    const { data, meta } = await this.http.request<Omit<DeregisterResponse, 'meta'>>({
      method: 'DELETE',
      path: jobPath(id),
      options: { ...rest, params },
    });
    return { ...data, meta };
  }

  /** The kept versions (newest first, at most 6), with diffs between neighbours when asked. */
  async versions(
    id: string,
    options: QueryOptions & { diffs?: boolean } = {},
  ): Promise<{ versions: NomadJob[]; diffs: JobDiff[] | null; meta: QueryMeta }> {
    const { diffs, ...rest } = options;
    const { data, meta } = await this.http.request<{ Versions: NomadJob[]; Diffs: JobDiff[] | null }>({
      method: 'GET',
      path: jobPath(id, '/versions'),
      options: { ...rest, params: { ...rest.params, diffs: diffs || undefined } },
    });
    return { versions: data.Versions ?? [], diffs: data.Diffs ?? null, meta };
  }

  /** Registers an earlier version again, as a new version. */
  async revert(
    id: string,
    version: number,
    options: QueryOptions & { enforcePriorVersion?: number } = {},
  ): Promise<RegisterResponse> {
    const { enforcePriorVersion, ...rest } = options;
    const body: Record<string, unknown> = { JobID: id, JobVersion: version };
    if (enforcePriorVersion !== undefined) body.EnforcePriorVersion = enforcePriorVersion;
    const { data, meta } = await this.http.request<Omit<RegisterResponse, 'meta'>>({
      method: 'PUT',
      path: jobPath(id, '/revert'),
      options: rest,
      body,
    });
    return { ...data, meta };
  }

  /** Marks a version stable or not (no new version; ModifyIndex moves). */
  async stable(
    id: string,
    version: number,
    stable: boolean,
    options: QueryOptions = {},
  ): Promise<{ JobModifyIndex: number }> {
    const { data } = await this.http.request<{ JobModifyIndex: number }>({
      method: 'PUT',
      path: jobPath(id, '/stable'),
      options,
      body: { JobID: id, JobVersion: version, Stable: stable },
    });
    return data;
  }

  async summary(id: string, options: QueryOptions = {}): Promise<{ summary: JobSummary | undefined; meta: QueryMeta }> {
    return this.maybe(
      () => this.http.request<JobSummary>({ method: 'GET', path: jobPath(id, '/summary'), options }),
      'summary',
    );
  }

  /** Allocations of a job (`[]` for a missing job); `all` adds those of an earlier job with the same ID. */
  async allocations(
    id: string,
    options: QueryOptions & { all?: boolean } = {},
  ): Promise<{ allocations: AllocationListStub[]; meta: QueryMeta }> {
    const { all, ...rest } = options;
    const { data, meta } = await this.http.request<AllocationListStub[]>({
      method: 'GET',
      path: jobPath(id, '/allocations'),
      options: { ...rest, params: { ...rest.params, all: all || undefined } },
    });
    return { allocations: data ?? [], meta };
  }

  async evaluations(id: string, options: QueryOptions = {}): Promise<{ evaluations: Evaluation[]; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Evaluation[]>({
      method: 'GET',
      path: jobPath(id, '/evaluations'),
      options,
    });
    return { evaluations: data ?? [], meta };
  }

  /** The job's latest deployment, or null (also for a missing job). */
  async latestDeployment(
    id: string,
    options: QueryOptions = {},
  ): Promise<{ deployment: Deployment | null; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<Deployment | null>({
      method: 'GET',
      path: jobPath(id, '/deployment'),
      options,
    });
    return { deployment: data, meta };
  }

  /** Deployments of a job, newest first. */
  async deployments(
    id: string,
    options: QueryOptions & { all?: boolean } = {},
  ): Promise<{ deployments: Deployment[]; meta: QueryMeta }> {
    const { all, ...rest } = options;
    const { data, meta } = await this.http.request<Deployment[]>({
      method: 'GET',
      path: jobPath(id, '/deployments'),
      options: { ...rest, params: { ...rest.params, all: all || undefined } },
    });
    return { deployments: data ?? [], meta };
  }

  /** The source submitted with a version; undefined when there is none (404). */
  async submission(
    id: string,
    version: number,
    options: QueryOptions = {},
  ): Promise<{
    submission: (JobSubmission & { Version: number; JobModifyIndex: number }) | undefined;
    meta: QueryMeta;
  }> {
    return this.maybe(
      () =>
        this.http.request<JobSubmission & { Version: number; JobModifyIndex: number }>({
          method: 'GET',
          path: jobPath(id, '/submission'),
          options: { ...options, params: { ...options.params, version } },
        }),
      'submission',
    );
  }

  /** Launches a periodic job's child now. */
  async periodicForce(
    id: string,
    options: QueryOptions = {},
  ): Promise<{ EvalID: string; EvalCreateIndex: number; Index: number }> {
    const { data } = await this.http.request<{ EvalID: string; EvalCreateIndex: number; Index: number }>({
      method: 'PUT',
      path: jobPath(id, '/periodic/force'),
      options,
    });
    return data;
  }

  /** Dispatches a parameterized job. `payload` is raw bytes, sent base64 as Nomad expects. */
  async dispatch(
    id: string,
    options: QueryOptions & {
      payload?: Uint8Array;
      meta?: Record<string, string>;
      idPrefixTemplate?: string;
      idempotencyToken?: string;
    } = {},
  ): Promise<DispatchResponse> {
    const { payload, meta, idPrefixTemplate, idempotencyToken, ...rest } = options;
    const body = {
      JobID: id,
      Payload: payload ? Buffer.from(payload).toString('base64') : null,
      Meta: meta ?? null,
      IdPrefixTemplate: idPrefixTemplate ?? '',
    };
    const { data } = await this.http.request<DispatchResponse>({
      method: 'PUT',
      path: jobPath(id, '/dispatch'),
      options: { ...rest, params: { ...rest.params, idempotency_token: idempotencyToken } },
      body,
    });
    return data;
  }

  private async maybe<T, K extends string>(
    call: () => Promise<{ data: T; meta: QueryMeta }>,
    key: K,
  ): Promise<{ [P in K]: T | undefined } & { meta: QueryMeta }> {
    try {
      const { data, meta } = await call();
      return { [key]: data, meta } as { [P in K]: T | undefined } & { meta: QueryMeta };
    } catch (error) {
      if (!isNomadStatus(error, 404)) throw error;
      return {
        [key]: undefined,
        meta: { lastIndex: (error as NomadAPIError).lastIndex, knownLeader: false, lastContactMs: 0, nextToken: '' },
      } as { [P in K]: T | undefined } & { meta: QueryMeta };
    }
  }
}
