import { ownerOf, type LiveJob } from '../domain/job.js';
import type { NomadClient } from '../nomad/index.js';

/**
 * Reads the live jobs that matter to an app: those it owns and those sharing an ID with a
 * desired job. One list call per namespace, then a read of each such job.
 */
export async function observeLive(nomad: NomadClient, app: string, namespaces: Iterable<string>, desiredKeys: Set<string>): Promise<LiveJob[]> {
  const live: LiveJob[] = [];
  for (const namespace of new Set(namespaces)) {
    const { jobs } = await nomad.jobs.list({ namespace, meta: true });
    const relevant = jobs.filter((stub) => !stub.ParentID && (ownerOf(stub) === app || desiredKeys.has(`${stub.Namespace}/${stub.ID}`)));
    const reads = await Promise.all(relevant.map(async (stub) => {
      const { job } = await nomad.jobs.read(stub.ID, { namespace: stub.Namespace });
      return job ? { id: stub.ID, namespace: stub.Namespace, job, jobModifyIndex: Number(job.JobModifyIndex ?? stub.JobModifyIndex) } : undefined;
    }));
    for (const job of reads) if (job) live.push(job);
  }
  return live;
}
