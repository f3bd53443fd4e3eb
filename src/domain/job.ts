/** A Nomad job in the API's JSON form (PascalCase keys). Kept loose: Drover passes fields through. */
export type NomadJob = {
  ID: string;
  Name?: string;
  Namespace?: string;
  Region?: string;
  Type?: string;
  Meta?: Record<string, string> | null;
  TaskGroups?: Array<Record<string, unknown>> | null;
  [key: string]: unknown;
};

/** A job as rendered from git: the job plus where it came from. */
export type DesiredJob = {
  id: string;
  namespace: string;
  /** Path of the file inside the repository, for errors and the UI. */
  file: string;
  job: NomadJob;
};

/** A job as read from the cluster. */
export type LiveJob = {
  id: string;
  namespace: string;
  job: NomadJob;
  jobModifyIndex: number;
};

/**
 * Meta key that marks a job as managed by a Drover app. Its value is the app name and never
 * changes with the revision: Nomad treats a meta change as a destructive update.
 */
export const OWNER_META_KEY = 'drover.app';

/** The app that owns a job, or undefined when no Drover app does. */
export function ownerOf(job: Pick<NomadJob, 'Meta'>): string | undefined {
  const owner = job.Meta?.[OWNER_META_KEY];
  return typeof owner === 'string' && owner !== '' ? owner : undefined;
}
