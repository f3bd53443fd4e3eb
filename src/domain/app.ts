/** An application as configured: what to deploy from where, to where, and how. */
export type AppSpec = {
  name: string;
  source: {
    /** Repository URL as written by the user (never carries credentials). */
    repoURL: string;
    /** Branch, tag or commit as written; resolved to a SHA on every refresh. */
    revision: string;
    /** Folder inside the repository holding the app's job files. */
    path: string;
  };
  destination: {
    cluster: string;
    namespace: string;
  };
  syncPolicy: {
    automated: boolean;
    prune: boolean;
    selfHeal: boolean;
    /** Allow pruning every job when the source renders none (guards against an emptied path). */
    allowEmpty: boolean;
  };
  /** Which renderer turns the app's files into jobs (default local). */
  render?: RenderMode;
  /** Job variable values (`-var` semantics: highest precedence). */
  vars?: Record<string, string>;
  /** Var-files relative to `source.path`, lowest precedence first. */
  varFiles?: string[];
};

/** local: Drover's renderer; server: Nomad's /v1/jobs/parse; auto: server, falling back to local. */
export type RenderMode = 'local' | 'server' | 'auto';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

export type JobSyncStatus = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra';

export type JobStatus = {
  id: string;
  namespace: string;
  file?: string;
  status: JobSyncStatus;
};

export type Condition = {
  type: string;
  message: string;
};

export type LastSync = {
  revision: string;
  startedAt: string;
  finishedAt: string;
  result: 'Succeeded' | 'Failed';
  message?: string;
};

/** What Drover knows of an app at a moment; the API's `status` object. */
export type AppStatus = {
  sync: { status: SyncStatusCode; revision?: string };
  jobs: JobStatus[];
  conditions: Condition[];
  lastSync?: LastSync;
  observedAt?: string;
};

/** An unknown status, for an app Drover has not reconciled yet. */
export function unknownStatus(): AppStatus {
  return { sync: { status: 'Unknown' }, jobs: [], conditions: [] };
}
