import { ownerOf, type LiveJob, type NomadJob } from '../domain/job.js';
import type { NomadClient } from '../nomad/index.js';
import type { JobListStub } from '../nomad/jobs.js';
import { viewOf } from './inventory-view.js';

export type Observation = {
  live: LiveJob[];
  /** Keys (namespace/id) of jobs not read because the cache proves them unchanged. */
  unchanged: Set<string>;
  /** The list entries, kept for health and for recording what was applied. */
  stubs: Map<string, JobListStub>;
};

/** Answers whether a job is known to be exactly as Drover applied it (same JobModifyIndex, same desired content). */
export type UnchangedCheck = (stub: JobListStub) => boolean;

/** Lists the jobs of a namespace with their Meta. */
export type ListJobs = (namespace: string) => Promise<JobListStub[]>;

/**
 * Reads the live jobs that matter to an app: those it owns and those sharing an ID with a
 * desired job. One list per namespace (served by the inventory when it is current); a job
 * is read in full only when the cache cannot prove it unchanged.
 */
export async function observeLive(
  nomad: NomadClient,
  listJobs: ListJobs,
  app: string,
  namespaces: Iterable<string>,
  desiredKeys: Set<string>,
  isUnchanged: UnchangedCheck = () => false,
): Promise<Observation> {
  const live: LiveJob[] = [];
  const unchanged = new Set<string>();
  const stubs = new Map<string, JobListStub>();
  for (const namespace of new Set(namespaces)) {
    const relevant = relevantJobs(await listJobs(namespace), app, desiredKeys);
    const reads = await Promise.all(
      relevant.map(async (stub): Promise<LiveJob | undefined> => {
        const key = `${stub.Namespace}/${stub.ID}`;
        stubs.set(key, stub);
        if (isUnchanged(stub)) {
          unchanged.add(key);
          return {
            id: stub.ID,
            namespace: stub.Namespace,
            job: stub as unknown as NomadJob,
            jobModifyIndex: stub.JobModifyIndex,
          };
        }
        const { job } = await nomad.jobs.read(stub.ID, { namespace: stub.Namespace });
        return job
          ? {
              id: stub.ID,
              namespace: stub.Namespace,
              job,
              jobModifyIndex: Number(job.JobModifyIndex ?? stub.JobModifyIndex),
            }
          : undefined;
      }),
    );
    for (const job of reads) if (job) live.push(job);
  }
  return { live, unchanged, stubs };
}

/**
 * The entries an app cares about: those it owns and those sharing an ID with a desired job;
 * parameterized and periodic children are left out. A list from the inventory is answered
 * from its owner index: scanning 10,000 entries (and keying each) for every one of 1,000 apps
 * made a full resync quadratic.
 */
function relevantJobs(jobs: JobListStub[], app: string, desiredKeys: Set<string>): JobListStub[] {
  const view = viewOf(jobs);
  if (!view) {
    return jobs.filter(
      (stub) => !stub.ParentID && (ownerOf(stub) === app || desiredKeys.has(`${stub.Namespace}/${stub.ID}`)),
    );
  }
  const found = new Map<string, JobListStub>();
  for (const stub of view.ownedBy(app)) found.set(`${stub.Namespace}/${stub.ID}`, stub);
  for (const key of desiredKeys) {
    const slash = key.indexOf('/');
    const stub = found.has(key) ? undefined : view.get(key.slice(0, slash), key.slice(slash + 1));
    if (stub) found.set(key, stub);
  }
  return [...found.values()].filter((stub) => !stub.ParentID).sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0));
}
