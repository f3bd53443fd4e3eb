import type { AppSpec } from '../domain/app.js';

/** Where and how to reach one Nomad cluster. The token is held here and nowhere else. */
export type ClusterConfig = {
  name: string;
  address: string;
  region?: string;
  token?: string;
  /** Absolute paths of PEM files, and how to check the server's certificate. */
  tls?: { caCert?: string; clientCert?: string; clientKey?: string; serverName?: string; skipVerify?: boolean };
};

export type RepositoryConfig = {
  name: string;
  url: string;
  pollIntervalMs: number;
};

/** The validated, frozen configuration Drover runs with. */
export type Config = {
  listen: { host: string; port: number };
  dataDir: string;
  refreshIntervalMs: number;
  clusters: Map<string, ClusterConfig>;
  repositories: Map<string, RepositoryConfig>;
  apps: AppSpec[];
};
