import type { RepositoryOptions } from './mirror.js';
import { normalizeRepoURL } from './url.js';

/** A repository as configured, with how often to poll it. */
export type SourceRepository = RepositoryOptions & { pollIntervalMs: number };

/** What the mirrors and the poller need: one entry per repository, with the revisions its apps use. */
export type SourcePlan = {
  mirrors: Array<RepositoryOptions & { revisions: string[] }>;
  polls: Array<{ url: string; intervalMs: number }>;
};

/**
 * Groups apps by repository (whatever URL spelling they use). Repository blocks bring their
 * credentials and interval; a repository only named by an app's `url` is polled at `defaultIntervalMs`.
 */
export function planSources(
  repositories: Iterable<SourceRepository>,
  apps: ReadonlyArray<{ source: { repoURL: string; revision: string } }>,
  defaultIntervalMs: number,
): SourcePlan {
  const byKey = new Map<string, SourceRepository & { revisions: Set<string> }>();
  for (const repo of repositories) {
    const key = normalizeRepoURL(repo.url);
    if (!byKey.has(key)) byKey.set(key, { ...repo, revisions: new Set() });
  }
  for (const app of apps) {
    const key = normalizeRepoURL(app.source.repoURL);
    let entry = byKey.get(key);
    if (!entry) {
      entry = { url: app.source.repoURL, pollIntervalMs: defaultIntervalMs, revisions: new Set() };
      byKey.set(key, entry);
    }
    entry.revisions.add(app.source.revision);
  }
  const entries = [...byKey.values()];
  return {
    mirrors: entries.map((entry) => ({ ...entry, revisions: [...entry.revisions] })),
    polls: entries
      .filter((entry) => entry.revisions.size > 0)
      .map((entry) => ({ url: entry.url, intervalMs: entry.pollIntervalMs })),
  };
}
