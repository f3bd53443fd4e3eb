import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { AppSpec } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import { DroverError } from '../domain/errors.js';
import type { DesiredJob } from '../domain/job.js';
import type { MirrorSet } from '../git/mirror.js';
import type { NomadClient } from '../nomad/index.js';
import { formatIssue } from '../render/errors.js';
import { renderApp } from '../render/app-render.js';
import type { AppliedJob } from '../store/applied-jobs.js';
import type { Store } from '../store/store.js';
import type { ComparisonResult } from './compare.js';
import type { JobInventory } from './inventory.js';
import { observeLive, type Observation } from './observe.js';
import { withOwner } from './sync.js';

/** Runs a step with a hard deadline so one hung call cannot hold an app's queue forever. */
export async function withDeadline<T>(step: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DroverError('DROVER_ERR_TIMEOUT', `${step} did not finish within ${Math.round(ms / 1000)}s`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Step: fetch the repository (shared per URL; skipped when the trigger already fetched or is a
 * drift event), resolve the revision and read the app's files.
 */
export async function loadSource(
  mirrors: MirrorSet,
  app: AppSpec,
  revision: string,
  options: { fetch: boolean; notBefore?: number },
): Promise<Snapshot> {
  const mirror = mirrors.get(app.source.repoURL);
  if (options.fetch) await mirror.fetch(options.notBefore);
  const sha = await mirror.resolve(revision);
  return mirror.snapshot(sha, app.source.path, { requireSignedCommits: app.source.requireSignedCommits });
}

/**
 * Step, for an app its set no longer generates (and prunes on delete): the commit where it went,
 * with no files, so every job the app owns compares as removed. Git is still read: if the
 * revision cannot be resolved the reconcile fails and nothing is pruned.
 */
export async function retiredSource(mirrors: MirrorSet, app: AppSpec, revision: string): Promise<Snapshot> {
  const mirror = mirrors.get(app.source.repoURL);
  const sha = await mirror.resolve(revision);
  return { repoURL: mirror.url, revision: sha, commit: await mirror.commitInfo(sha), files: new Map() };
}

/**
 * Step: render every job file with the app's renderer, variables and var-files; any issue
 * fails the whole set (no partial job sets).
 */
export async function renderDesired(app: AppSpec, snapshot: Snapshot, nomad: NomadClient): Promise<DesiredJob[]> {
  const rendered = await renderApp({
    mode: app.render ?? 'local',
    snapshot,
    path: app.source.path,
    transport: nomad.jobs,
    options: {
      defaultNamespace: app.destination.namespace,
      vars: app.vars,
      varFiles: app.varFiles?.map((f) => posix.join(app.source.path, f)),
      select: { root: app.source.path, include: app.include, exclude: app.exclude },
    },
  });
  if (rendered.issues.length > 0) {
    throw new DroverError(
      'DROVER_ERR_RENDER',
      `rendering failed at ${snapshot.revision.slice(0, 12)}:\n${rendered.issues.map(formatIssue).join('\n')}`,
    );
  }
  return rendered.jobs.map((job) => withOwner(app.name, job));
}

/** A stable hash of what Drover would register for a job. */
export function contentHash(job: DesiredJob): string {
  // Observe, the digest and rememberApplied all ask for the same job's hash in one reconcile.
  let hash = hashes.get(job);
  if (hash === undefined) {
    hash = createHash('sha256').update(JSON.stringify(job.job)).digest('hex');
    hashes.set(job, hash);
  }
  return hash;
}

const hashes = new WeakMap<DesiredJob, string>();

/** A digest of a whole desired set: moves only when some job's content, or the set itself, changes. */
export function contentDigest(desired: DesiredJob[]): string {
  const entries = desired.map((job) => `${job.namespace}/${job.id}=${contentHash(job)}`).sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/** How much of what Drover already knows an observation may rely on. */
export type ObserveFreshness = {
  /** Skip reading jobs whose JobModifyIndex and desired content match what Drover last applied. */
  cachedReads: boolean;
  /**
   * Take the job list from the inventory's watch instead of asking Nomad; with `atLeast`, only
   * once the watch has seen that Raft index (Drover's own writes), else list directly.
   */
  cachedList: boolean | { atLeast: number };
};

/** Step: observe the cluster, relying on cached knowledge as far as `freshness` allows. */
export async function observe(
  nomad: NomadClient,
  inventory: JobInventory | undefined,
  store: Store,
  app: AppSpec,
  desired: DesiredJob[],
  freshness: ObserveFreshness,
): Promise<Observation & { applied: AppliedIndex }> {
  const hashes = new Map(desired.map((job) => [`${job.namespace}/${job.id}`, contentHash(job)]));
  const applied = await readApplied(store, app);
  const isUnchanged = freshness.cachedReads
    ? (stub: { ID: string; Namespace: string; JobModifyIndex: number; Stop: boolean }) => {
        const key = `${stub.Namespace}/${stub.ID}`;
        const record = applied.get(key);
        return (
          !stub.Stop &&
          record !== undefined &&
          record.jobModifyIndex === stub.JobModifyIndex &&
          record.contentHash === hashes.get(key)
        );
      }
    : undefined;
  // A fresh list also raises the inventory's floor, so Drover's own writes are never hidden later.
  const listJobs = inventory
    ? (namespace: string) => {
        const cluster = app.destination.cluster;
        if (freshness.cachedList === false) return inventory.listFresh(cluster, namespace);
        if (freshness.cachedList === true) return inventory.list(cluster, namespace);
        return inventory.listAtLeast(cluster, namespace, freshness.cachedList.atLeast);
      }
    : async (namespace: string) => (await nomad.jobs.list({ namespace, meta: true })).jobs;
  const observation = await observeLive(
    nomad,
    listJobs,
    app.name,
    [app.destination.namespace, ...desired.map((j) => j.namespace)],
    new Set(hashes.keys()),
    isUnchanged,
  );
  return { ...observation, applied };
}

/** What Drover last applied of an app's jobs, by namespace/id. */
export type AppliedIndex = Map<string, AppliedJob>;

async function readApplied(store: Store, app: AppSpec): Promise<AppliedIndex> {
  return new Map((await store.listAppliedJobs(app.name)).map((a) => [`${a.namespace}/${a.jobId}`, a]));
}

/** Step: remember, for each owned job now in sync, what was applied and its JobModifyIndex. */
export async function rememberApplied(
  store: Store,
  app: AppSpec,
  revision: string,
  comparison: ComparisonResult,
  known?: AppliedIndex,
): Promise<void> {
  const applied = known ?? (await readApplied(store, app));
  const keep: Array<{ namespace: string; jobId: string }> = [];
  for (const job of comparison.jobs) {
    if (job.status !== 'Synced' || job.ownership !== 'owned' || !job.desired || !job.live) continue;
    keep.push({ namespace: job.namespace, jobId: job.id });
    const hash = contentHash(job.desired);
    const previous = applied.get(`${job.namespace}/${job.id}`);
    if (previous?.contentHash === hash && previous.jobModifyIndex === job.live.jobModifyIndex) continue;
    await store.recordAppliedJob({
      app: app.name,
      namespace: job.namespace,
      jobId: job.id,
      revision,
      contentHash: hash,
      jobModifyIndex: job.live.jobModifyIndex,
    });
  }
  if (applied.size > keep.length) await store.forgetAppliedJobs(app.name, keep);
}
