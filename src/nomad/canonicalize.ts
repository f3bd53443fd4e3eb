import type { NomadJob } from '../domain/job.js';

/**
 * The defaults Nomad fills in when a job is registered (reference §3.1-3.2). Shared by the
 * simulator (register), the renderer (`--canonical`) and compare (desired side), so all three
 * agree. This first cut covers the job level; the "Nomad API layer" issue extends it.
 */
export function canonicalizeJob(input: NomadJob, context: { namespace: string; region: string }): NomadJob {
  const job: NomadJob = structuredClone(input);
  job.Name ||= job.ID;
  job.Namespace = context.namespace || (job.Namespace as string) || 'default';
  job.Region = !job.Region || job.Region === 'global' ? context.region : job.Region;
  job.Type ||= 'service';
  job.Priority = (job.Priority as number | undefined) || 50;
  job.NodePool = (job.NodePool as string | undefined) || 'default';
  job.AllAtOnce = job.AllAtOnce === true;
  job.Stop = job.Stop === true;
  const datacenters = job.Datacenters as string[] | null | undefined;
  job.Datacenters = datacenters && datacenters.length > 0 ? datacenters : ['*'];
  if (job.Meta && Object.keys(job.Meta).length === 0) job.Meta = null;
  job.Meta ??= null;
  return job;
}
