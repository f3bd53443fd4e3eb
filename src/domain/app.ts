/** Fields to leave out of comparisons, for the jobs whose ID matches `job` (a glob; all when absent). */
export type IgnoreDifference = {
  job?: string;
  /** JSON pointers ("/TaskGroups/*\/Count") or dotted paths ("TaskGroups.*.Count"); "*" matches any key or index. */
  paths: string[];
};

/** Retries of a failed sync: `limit` attempts, waiting backoff * factor^n, at most maxBackoff. */
export type RetryPolicy = {
  limit: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
};

/**
 * What a project allows its apps: repositories (normalized URL globs), destinations (cluster and
 * namespace globs) and job IDs (globs). A rule left undefined allows everything of its kind.
 */
export type ProjectSpec = {
  name: string;
  repositories?: string[];
  destinations?: Array<{ cluster: string; namespace: string }>;
  jobs?: string[];
};

/** An application as configured: what to deploy from where, to where, and how. */
export type AppSpec = {
  name: string;
  /** The app set that generated this app (absent for apps written as `app` blocks). */
  appSet?: string;
  /** The project whose rules the app keeps; absent: the built-in `default` project, which allows everything. */
  project?: ProjectSpec;
  source: {
    /** Repository URL as written by the user (never carries credentials). */
    repoURL: string;
    /** Branch, tag or commit as written; resolved to a SHA on every refresh. */
    revision: string;
    /** Folder inside the repository holding the app's job files. */
    path: string;
    /** Sync only commits signed by a key in the repository's keyring (set only when true). */
    requireSignedCommits?: boolean;
  };
  destination: {
    cluster: string;
    namespace: string;
    region?: string;
  };
  syncPolicy: {
    automated: boolean;
    prune: boolean;
    selfHeal: boolean;
    /** Allow pruning every job when the source renders none (guards against an emptied path). */
    allowEmpty: boolean;
    /** Take over a job with the same ID that no Drover app owns. */
    adopt: boolean;
    /** Purge pruned jobs instead of stopping them (Nomad then forgets their history). */
    purge: boolean;
    /** Most jobs an automated sync prunes at once: a count, or a percentage of the app's owned jobs (at least one). */
    maxPrune: { count: number } | { percent: number };
    /** Lifts `maxPrune` for automated syncs (manual syncs are never limited). */
    allowMassPrune: boolean;
    retry: RetryPolicy;
  };
  ignoreDifferences: IgnoreDifference[];
  /** Sync runs kept in history. */
  historyLimit: number;
  /** Which renderer turns the app's files into jobs (default local). */
  render?: RenderMode;
  /** Job variable values (`-var` semantics: highest precedence). */
  vars?: Record<string, string>;
  /** Var-files relative to `source.path`, lowest precedence first. */
  varFiles?: string[];
  /** Globs relative to `source.path` choosing the job files (default: *.nomad.hcl, *.nomad, *.hcl, *.json). */
  include?: string[];
  /** Globs relative to `source.path` of files that are never jobs. */
  exclude?: string[];
  /** Apps that must be Synced and Healthy at their current revision before this one syncs. */
  dependsOn?: string[];
  /** Job ID -> sync wave, over the job's `drover.wave` meta; lower waves sync first. */
  waves?: Record<string, number>;
};

/** local: Drover's renderer; server: Nomad's /v1/jobs/parse; auto: server, falling back to local. */
export type RenderMode = 'local' | 'server' | 'auto';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

export type JobSyncStatus = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra';

/** Ordered from best to worst; an app's health is its worst job's. */
export const HEALTH_ORDER = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'] as const;
export type HealthCode = (typeof HEALTH_ORDER)[number];
export type Health = { status: HealthCode; message?: string };

/** One difference between the desired and the live form of a job. */
export type FieldDiff = {
  path: string;
  /** Absent when git does not have the field. */
  desired?: unknown;
  /** Absent when the cluster does not have the field. */
  live?: unknown;
};

export type JobStatus = {
  id: string;
  namespace: string;
  file?: string;
  status: JobSyncStatus;
  health?: Health;
  /** Number of differing fields; the full list is at /api/v1/apps/NAME/diff. */
  diffCount?: number;
  /** The job's sync wave, when the app has more than one. */
  wave?: number;
};

export type Condition = {
  type: string;
  message: string;
};

export type LastSync = {
  id?: number;
  revision: string;
  trigger?: string;
  startedAt: string;
  finishedAt: string;
  result: 'Succeeded' | 'Failed';
  message?: string;
  /** Digest of the jobs this sync applied (see `sync.contentDigest`). */
  contentDigest?: string;
};

/** A rollback pin: the app stays at `revision` and automated sync is suspended until unpinned. */
export type Pin = {
  revision: string;
  reason: string;
  at: string;
};

/** What Drover knows of an app at a moment; the API's `status` object. */
export type AppStatus = {
  /**
   * `revision` is the SHA the app was last fully in sync with; `targetRevision` the SHA git points
   * at now; `contentDigest` a digest of the jobs rendered there, which moves only when a commit
   * changes this app's jobs (not when it touches other paths of the repository).
   */
  sync: { status: SyncStatusCode; revision?: string; targetRevision?: string; contentDigest?: string };
  health: Health;
  jobs: JobStatus[];
  conditions: Condition[];
  lastSync?: LastSync;
  pin?: Pin;
  observedAt?: string;
};

/** An unknown status, for an app Drover has not reconciled yet. */
export function unknownStatus(): AppStatus {
  return {
    sync: { status: 'Unknown' },
    health: { status: 'Unknown', message: 'not reconciled yet' },
    jobs: [],
    conditions: [],
  };
}

/** The worse of two health codes, by HEALTH_ORDER. */
export function worseHealth(a: HealthCode, b: HealthCode): HealthCode {
  return HEALTH_ORDER.indexOf(a) >= HEALTH_ORDER.indexOf(b) ? a : b;
}

/** What Nomad's plan (`Diff=true`) says a write would do: its own diff and the scheduler's view. */
export type PlanSummary = {
  /** `Added`, `Edited`, `Deleted` or `None` (Nomad sees nothing to change). */
  diffType?: string;
  /** Per task group: how many allocations Nomad would place, update in place, replace (destructive), stop, canary. */
  updates?: Record<string, Record<string, number>>;
  /** Task groups Nomad could not place. */
  failedPlacements?: string[];
  warnings?: string;
  /** Nomad's JobDiff, as the plan endpoint returned it. */
  diff?: unknown;
  /** The plan call itself failed (the write was still only planned). */
  error?: string;
};

/** The project an app keeps, as scopes and role bindings name it. */
export function appProject(spec: AppSpec): string {
  return spec.project?.name ?? 'default';
}

/** The API's JSON form of an app (design.md, "Config and command sketch"); the UI reads the same type. */
export type AppView = {
  name: string;
  /** The project whose rules the app keeps (`default` when none is named). */
  project: string;
  /** The app set that generated the app; absent for apps written as `app` blocks. */
  appSet?: string;
  source: { repoURL: string; revision: string; path: string };
  destination: AppSpec['destination'];
  syncPolicy: AppSpec['syncPolicy'];
  ignoreDifferences: AppSpec['ignoreDifferences'];
  status: AppStatus;
};
