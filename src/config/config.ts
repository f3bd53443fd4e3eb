import type { AppSpec } from '../domain/app.js';
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
  roleBindings: Array<{ group: string; role: RoleName; apps: string[] }>;
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
  /** When automated (and manual) syncs may run (docs/ordering.md). */
  syncWindows: SyncWindow[];
  ha: HAConfig;
  store: StoreConfig;
};
