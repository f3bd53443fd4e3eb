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
 * Meta keys that mark a job as managed by a Drover app: the app's name, and the job's own
 * namespace/ID so that a marker copied onto another job is not trusted. Neither changes
 * with the revision: Nomad treats a meta change as a destructive update.
 */
export const OWNER_META_KEY = 'drover.app';
export const OWNER_JOB_META_KEY = 'drover.job';

type Marked = { ID: string; Namespace?: string; Meta?: Record<string, string> | null };

export type Ownership =
  | { kind: 'none' }
  | { kind: 'app'; app: string }
  /** A marker copied from another job: never trusted, adopted or pruned. */
  | { kind: 'mismatched'; app: string; marker: string };

/** The marker values for a job owned by `app`. */
export function ownerMeta(app: string, namespace: string, id: string): Record<string, string> {
  return { [OWNER_META_KEY]: app, [OWNER_JOB_META_KEY]: `${namespace}/${id}` };
}

/** Who owns a job, judged by its marker and whether the marker names this very job. */
export function ownershipOf(job: Marked): Ownership {
  const app = job.Meta?.[OWNER_META_KEY];
  if (typeof app !== 'string' || app === '') return { kind: 'none' };
  const marker = job.Meta?.[OWNER_JOB_META_KEY] ?? '';
  if (marker !== `${job.Namespace ?? 'default'}/${job.ID}`) return { kind: 'mismatched', app, marker };
  return { kind: 'app', app };
}

/** The app that owns a job through a trusted marker, or undefined. */
export function ownerOf(job: Marked): string | undefined {
  const ownership = ownershipOf(job);
  return ownership.kind === 'app' ? ownership.app : undefined;
}
