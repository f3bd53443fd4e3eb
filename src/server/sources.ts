import type { Hono } from 'hono';
import type { AppSpec } from '../domain/app.js';
import type { ClusterConfig, RepositoryConfig } from '../config/config.js';
import { formatDuration } from '../domain/duration.js';
import { normalizeRepoURL, redactURL } from '../git/url.js';
import { requireRole, type AuthEnv } from './auth/principal.js';
import type { Reachability } from './reachability.js';

export type SourcesDeps = {
  clusters: Iterable<ClusterConfig>;
  repositories: Iterable<RepositoryConfig>;
  apps: () => readonly AppSpec[];
  reachability: Reachability;
};

/** A URL fit to show: no user, password, query or fragment (tokens hide in all of them). */
export function publicURL(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(redactURL(url));
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/** How a cluster authenticates, never with what. */
function clusterAuth(cluster: ClusterConfig): string {
  if (cluster.tokenFile) return 'token_file';
  return cluster.token ? 'NOMAD_TOKEN' : 'none';
}

/** How a repository authenticates, never with what. */
function repositoryAuth(repo: RepositoryConfig | undefined): string {
  const credentials = repo?.credentials;
  if (credentials?.sshKeyFile) return 'ssh_key';
  if (credentials?.password) return 'file' in credentials.password ? 'token_file' : 'token_env';
  return 'none';
}

/**
 * `GET /api/v1/clusters` and `GET /api/v1/repositories`: what Drover talks to, whether it
 * answers, when it last did, and the last error, never a secret.
 */
export function registerSources(api: Hono<AuthEnv>, deps: SourcesDeps): void {
  const clusters = [...deps.clusters];
  const repositories = [...deps.repositories];
  const usedBy = (match: (app: AppSpec) => boolean) =>
    deps
      .apps()
      .filter(match)
      .map((a) => a.name);

  api.get('/api/v1/clusters', requireRole('viewer'), (c) =>
    c.json({
      clusters: clusters.map((cluster) => ({
        name: cluster.name,
        address: publicURL(cluster.address),
        ...(cluster.region ? { region: cluster.region } : {}),
        tls: cluster.address.startsWith('https:'),
        auth: clusterAuth(cluster),
        apps: usedBy((app) => app.destination.cluster === cluster.name),
        ...deps.reachability.cluster(cluster.name),
      })),
    }),
  );

  api.get('/api/v1/repositories', requireRole('viewer'), (c) => {
    // Declared repositories, then repositories apps name by URL only.
    const byURL = new Map<string, { name?: string; url: string; repo?: RepositoryConfig }>();
    for (const repo of repositories) byURL.set(normalizeRepoURL(repo.url), { name: repo.name, url: repo.url, repo });
    for (const app of deps.apps()) {
      const key = normalizeRepoURL(app.source.repoURL);
      if (!byURL.has(key)) byURL.set(key, { url: app.source.repoURL });
    }
    return c.json({
      repositories: [...byURL.entries()].map(([key, { name, url, repo }]) => {
        const contact = deps.reachability.repository(redactURL(url));
        return {
          ...(name ? { name } : {}),
          url: publicURL(url),
          ...(repo ? { pollInterval: formatDuration(repo.pollIntervalMs) } : {}),
          auth: repositoryAuth(repo),
          webhook: repo?.webhookSecret !== undefined,
          apps: usedBy((app) => normalizeRepoURL(app.source.repoURL) === key),
          reachable: contact.reachable,
          ...(contact.lastContact ? { lastFetch: contact.lastContact } : {}),
          ...(contact.lastError ? { lastError: contact.lastError } : {}),
        };
      }),
    });
  });
}
