import type { AppSpec, ProjectSpec } from '../domain/app.js';
import type { SyncWindow } from '../domain/sync-window.js';
import type { GitCredentials, SecretSource } from '../git/credentials.js';
import type { SnapshotLimits } from '../git/snapshot.js';

/** Where and how to reach one Nomad cluster. The token is held here and nowhere else. */
export type ClusterConfig = {
  name: string;
  address: string;
  region?: string;
  /** From NOMAD_TOKEN when the block sets no token_file. */
  token?: string;
  /** Absolute path of the token file, re-read when it changes (rotation without a restart). */
  tokenFile?: string;
  /** Absolute paths of PEM files, and how to check the server's certificate. */
  tls?: { caCert?: string; clientCert?: string; clientKey?: string; serverName?: string; skipVerify?: boolean };
  /** false: follow jobs with blocking list queries only, never `/v1/event/stream`. Default true. */
  eventStream?: boolean;
};

export type RepositoryConfig = {
  name: string;
  url: string;
  pollIntervalMs: number;
  /** Where the credentials live (files or environment variables); never the secrets themselves. */
  credentials?: GitCredentials;
  /** The shared secret of push webhooks from this repository's host. */
  webhookSecret?: SecretSource;
  /** Public keys whose commit signatures count as good. */
  keyringFile?: string;
  limits?: Partial<SnapshotLimits>;
};

/** A role, as the server's principal.ts defines them (viewer < operator < admin). */
export type RoleName = 'viewer' | 'operator' | 'admin';

/** Who may do what: API tokens always work; OIDC adds single sign-on. */
export type AuthConfig = {
  /** Every check off (loopback listeners only). */
  disabled: boolean;
  sessionTtlMs: number;
  oidc?: { issuer: string; clientId: string; clientSecret?: string; scopes: string[]; groupsClaim: string };
  /** `apps` (name globs) and `projects` together scope the binding; both empty: every app. */
  roleBindings: Array<{ group: string; role: RoleName; apps: string[]; projects?: string[] }>;
};

/** Leader election (ha block). Durations in ms. */
export type HAConfig = {
  enabled: boolean;
  lockPath: string;
  ttlMs: number;
  lockDelayMs: number;
  cluster: string;
  namespace: string;
  /** The URL followers name as the leader's; defaults to the address the API listens on. */
  advertiseURL?: string;
};

/** Where state is kept. `postgresURLEnv` names the variable holding the URL; the URL itself is never kept here. */
export type StoreConfig = { kind: 'sqlite' } | { kind: 'postgres'; postgresURLEnv: string };

/** One generator's parameters: flat keys (`path.basename`, `cluster.name`) to string values. */
export type Params = Record<string, string>;

/** Where a git generator reads: a repository at a revision, and the globs it matches. */
export type GitGeneratorConfig = { repoURL: string; revision: string; paths: string[] };

/** A generator as configured; `at` is `file:line:col` of its block, for errors found while it runs. */
export type GeneratorConfig =
  | ({ kind: 'git_directories'; exclude: string[]; at: string } & GitGeneratorConfig)
  | ({ kind: 'git_files'; at: string } & GitGeneratorConfig)
  | { kind: 'list'; elements: Params[]; at: string }
  | { kind: 'matrix'; generators: [GeneratorConfig, GeneratorConfig]; at: string };

/** An app set: a generator, and a template that turns each parameter set into an app. */
export type AppSetConfig = {
  name: string;
  generator: GeneratorConfig;
  project: ProjectSpec | undefined;
  /** Prune a removed app's jobs (as removed jobs are, under the same guards); default false: keep them. */
  pruneOnDelete: boolean;
  /**
   * One app from one parameter set: placeholders substituted, then checked as an app block is.
   * Throws DROVER_ERR_CONFIG naming the template field's file, line and column.
   */
  render(params: Params): AppSpec;
};

/** The validated, frozen configuration Drover runs with. */
export type Config = {
  listen: { host: string; port: number };
  /** PEM certificate and key files (absolute paths) when the listener serves HTTPS. */
  tls?: { certFile: string; keyFile: string };
  /** Largest request body accepted outside the webhook route, in bytes. */
  maxBodyBytes: number;
  /** Where users reach Drover (origin, no trailing slash), when it differs from the listen address. */
  externalURL?: string;
  auth: AuthConfig;
  dataDir: string;
  refreshIntervalMs: number;
  /** Largest webhook body accepted, in bytes. */
  webhookMaxBodyBytes: number;
  /** Reconciles running at once across all apps. */
  reconcileConcurrency: number;
  clusters: Map<string, ClusterConfig>;
  repositories: Map<string, RepositoryConfig>;
  apps: AppSpec[];
  appSets: AppSetConfig[];
  /** Project blocks by name (`default` only when written). */
  projects: Map<string, ProjectSpec>;
  /** When automated (and manual) syncs may run (docs/appsets.md). */
  syncWindows: SyncWindow[];
  ha: HAConfig;
  store: StoreConfig;
};
