import type { Health } from '../domain/app.js';
import type { NomadJob } from '../domain/job.js';
import type { NomadClient } from '../nomad/index.js';
import type { JobListStub } from '../nomad/jobs.js';
import type { Deployment } from '../nomad/types.js';
import type { ComparisonResult } from './compare.js';
import { deploymentDecides, jobHealth } from './health.js';
import { mapLimit } from './limit.js';

/** A deployment as health reports it. */
export type DeploymentRef = {
  id: string;
  jobVersion: number;
  jobSpecModifyIndex: number;
  status: string;
  statusDescription: string;
};

/** A job's health, its latest deployment, and the deployment started by Drover's last write of it. */
export type HealthReading = {
  health: Health;
  deployment?: DeploymentRef;
  /** The deployment whose JobSpecModifyIndex is the write's JobModifyIndex, once Nomad created it. */
  write?: DeploymentRef;
};

type Entry = { key: string; at: number; reading: HealthReading };

/** What health reads of a job's spec; all of it moves only with the JobModifyIndex. */
type HealthSpec = NomadJob & { TaskGroups: Array<{ Count: number }> };

const READ_CONCURRENCY = 8;

/**
 * Reads job health from Nomad (latest deployment, allocations, summary) and remembers it.
 * A reading is reused while the job's list entry (ModifyIndex, and the summary's ModifyIndex,
 * which moves with every allocation status) is unchanged and the health is settled (Healthy,
 * Degraded, or stopped). Progressing and Suspended jobs are read again at every reconcile,
 * since a deployment can finish or fail without the job or its summary changing, unless the
 * event stream marks the entry with each deployment change (Progressing only).
 */
export class HealthTracker {
  private readonly entries = new Map<string, Entry>();
  /**
   * Each job's spec as health reads it, by JobModifyIndex: an allocation moving re-reads the
   * job's health, and without this a job proven unchanged (only its list entry at hand) was
   * read in full every time just for its groups' counts.
   */
  private readonly specs = new Map<string, { jobModifyIndex: number; spec: HealthSpec }>();

  constructor(private readonly options: { maxAgeMs?: number; now?: () => number } = {}) {}

  /**
   * Health of every job of a comparison that the app owns or would own, keyed namespace/id.
   * A failed read gives Unknown for that job with the reason; it never fails the reconcile.
   */
  async assess(
    nomad: NomadClient,
    cluster: string,
    comparison: ComparisonResult,
    stubs: Map<string, JobListStub>,
    writes: Map<string, number> = new Map(),
  ): Promise<Map<string, HealthReading>> {
    const now = this.options.now ?? Date.now;
    const maxAge = this.options.maxAgeMs ?? 10 * 60_000;
    const jobs = comparison.jobs.filter((job) => job.ownership !== 'foreign');
    const readings = await mapLimit(jobs, READ_CONCURRENCY, async (job): Promise<[string, HealthReading]> => {
      const key = `${job.namespace}/${job.id}`;
      const stub = stubs.get(key);
      if (!job.live || !stub)
        return [key, { health: { status: 'Missing', message: 'job is not registered in Nomad' } }];
      const cacheKey = `${cluster}\u0000${key}`;
      const write = writes.get(key);
      const version = `${stub.ModifyIndex}:${stub.JobSummary?.ModifyIndex ?? 0}:${write ?? ''}:${stub.DeploymentIndex ?? ''}`;
      const cached = this.entries.get(cacheKey);
      if (cached && cached.key === version && now() - cached.at < maxAge) return [key, cached.reading];
      const reading = await this.specOf(nomad, cacheKey, job.live, stub).then(
        (spec) => (spec ? readHealth(nomad, spec, stub, write) : MISSING),
        (error: unknown) => unreadable(error),
      );
      if (settled(reading.health, stub) || followed(reading.health, stub))
        this.entries.set(cacheKey, { key: version, at: now(), reading });
      else this.entries.delete(cacheKey);
      return [key, reading];
    });
    return new Map(readings);
  }

  /** The job's spec: from the full job when observe read it, else remembered, else read (undefined: gone). */
  private async specOf(
    nomad: NomadClient,
    cacheKey: string,
    live: { job: NomadJob; jobModifyIndex: number },
    stub: JobListStub,
  ): Promise<HealthSpec | undefined> {
    const known = this.specs.get(cacheKey);
    if (known && known.jobModifyIndex === live.jobModifyIndex && !Array.isArray(live.job.TaskGroups)) return known.spec;
    // A job proven unchanged by the cache is only a list entry: read it in full when health needs its groups.
    const job = Array.isArray(live.job.TaskGroups)
      ? live.job
      : (await nomad.jobs.read(stub.ID, { namespace: stub.Namespace })).job;
    if (!job) return undefined;
    const spec = healthSpec(job);
    this.specs.set(cacheKey, { jobModifyIndex: Number(job.JobModifyIndex ?? live.jobModifyIndex), spec });
    return spec;
  }
}

const MISSING: HealthReading = { health: { status: 'Missing', message: 'job is not registered in Nomad' } };

/** A failed read gives Unknown for that job, with the reason; it never fails the reconcile. */
function unreadable(error: unknown): HealthReading {
  return { health: { status: 'Unknown', message: `health could not be read: ${(error as Error).message}` } };
}

function healthSpec(job: NomadJob): HealthSpec {
  return {
    ID: job.ID,
    Type: job.Type,
    Stop: job.Stop,
    CreateIndex: job.CreateIndex,
    Version: job.Version,
    ...(job.Periodic ? { Periodic: true } : {}),
    ...(job.ParameterizedJob ? { ParameterizedJob: true } : {}),
    TaskGroups: (job.TaskGroups ?? []).map((g) => ({ Count: Number(g.Count ?? 1) })),
  };
}

function ref(d: Deployment): DeploymentRef {
  return {
    id: d.ID,
    jobVersion: d.JobVersion,
    jobSpecModifyIndex: d.JobSpecModifyIndex,
    status: d.Status,
    statusDescription: d.StatusDescription,
  };
}

function settled(health: Health, stub: JobListStub): boolean {
  return health.status === 'Healthy' || health.status === 'Degraded' || stub.Stop;
}

/**
 * A Progressing job whose deployments the event stream follows (its entry carries the index of
 * the last Deployment event): everything its health reads moves its entry (job, summary, or
 * deployment index), so the reading holds until then. Without that mark (blocking lists, or
 * right after a relist) a deployment can move unseen, and it is read at every reconcile.
 */
function followed(health: Health, stub: JobListStub): boolean {
  return health.status === 'Progressing' && stub.DeploymentIndex !== undefined;
}

async function readHealth(
  nomad: NomadClient,
  job: HealthSpec,
  stub: JobListStub,
  write: number | undefined,
): Promise<HealthReading> {
  const namespace = stub.Namespace;
  try {
    const type = String(job.Type ?? 'service');
    const parent = Boolean(job.Periodic || job.ParameterizedJob);
    const wantsDeployment = type === 'service' && !parent && !job.Stop;
    const wantsAllocations = (type === 'service' || type === 'system') && !parent && !job.Stop;
    // All deployments, not only the latest: after an auto-revert the latest is the revert's, and
    // the one Drover's write started is what history and the DeploymentFailed condition need.
    const deployments = wantsDeployment ? (await nomad.jobs.deployments(stub.ID, { namespace })).deployments : [];
    const latest = [...deployments].sort((a, b) => b.CreateIndex - a.CreateIndex)[0];
    // While a deployment runs (most of an initial sync) it alone says Progressing, and every
    // allocation moving re-reads health: the allocations would be read for nothing.
    const allocations =
      wantsAllocations && !deploymentDecides(job, latest)
        ? (await nomad.jobs.allocations(stub.ID, { namespace })).allocations
        : [];
    const health = jobHealth({ job, deployment: latest ?? null, allocations, summary: stub.JobSummary });
    const written = write === undefined ? undefined : deployments.find((d) => d.JobSpecModifyIndex === write);
    return { health, ...(latest ? { deployment: ref(latest) } : {}), ...(written ? { write: ref(written) } : {}) };
  } catch (error) {
    return unreadable(error);
  }
}
