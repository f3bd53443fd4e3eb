import type { App } from './types.ts';
import { HEALTH_ORDER } from '../../src/domain/app.ts';

/** The app list's filters and sort order, as kept in the URL's query. */
export type Filters = {
  sync: string;
  health: string;
  cluster: string;
  namespace: string;
  project: string;
  appSet: string;
  q: string;
  sort: SortKey;
};
export type SortKey = 'name' | 'sync' | 'health' | 'lastSync';
export const SORTS: Record<SortKey, string> = {
  name: 'Name',
  sync: 'Sync status',
  health: 'Health (worst first)',
  lastSync: 'Last sync (newest first)',
};

export function readFilters(params: URLSearchParams): Filters {
  const sort = params.get('sort') as SortKey | null;
  return {
    sync: params.get('sync') ?? '',
    health: params.get('health') ?? '',
    cluster: params.get('cluster') ?? '',
    namespace: params.get('namespace') ?? '',
    project: params.get('project') ?? '',
    appSet: params.get('appSet') ?? '',
    q: params.get('q') ?? '',
    sort: sort && sort in SORTS ? sort : 'name',
  };
}

/** The query string for `filters`, leaving defaults out so URLs stay short. */
export function writeFilters(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value && !(key === 'sort' && value === 'name')) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const SYNC_ORDER = ['OutOfSync', 'Unknown', 'Synced'];

export function applyFilters(apps: App[], f: Filters): App[] {
  const q = f.q.trim().toLowerCase();
  const shown = apps.filter(
    (a) =>
      (!f.sync || a.status.sync.status === f.sync) &&
      (!f.health || a.status.health.status === f.health) &&
      (!f.cluster || a.destination.cluster === f.cluster) &&
      (!f.namespace || a.destination.namespace === f.namespace) &&
      (!f.project || a.project === f.project) &&
      (!f.appSet || a.appSet === f.appSet) &&
      (!q || `${a.name} ${a.source.repoURL} ${a.source.path}`.toLowerCase().includes(q)),
  );
  const byName = (a: App, b: App) => a.name.localeCompare(b.name);
  const compare: Record<SortKey, (a: App, b: App) => number> = {
    name: byName,
    sync: (a, b) => SYNC_ORDER.indexOf(a.status.sync.status) - SYNC_ORDER.indexOf(b.status.sync.status) || byName(a, b),
    health: (a, b) =>
      HEALTH_ORDER.indexOf(b.status.health.status) - HEALTH_ORDER.indexOf(a.status.health.status) || byName(a, b),
    lastSync: (a, b) =>
      (b.status.lastSync?.finishedAt ?? '').localeCompare(a.status.lastSync?.finishedAt ?? '') || byName(a, b),
  };
  return shown.sort(compare[f.sort]);
}

/** How many apps have each sync and health status, for the summary bar. */
export function summarize(apps: App[]): { sync: Record<string, number>; health: Record<string, number> } {
  const sync: Record<string, number> = {};
  const health: Record<string, number> = {};
  for (const a of apps) {
    sync[a.status.sync.status] = (sync[a.status.sync.status] ?? 0) + 1;
    health[a.status.health.status] = (health[a.status.health.status] ?? 0) + 1;
  }
  return { sync, health };
}

export const distinct = (apps: App[], pick: (a: App) => string) => [...new Set(apps.map(pick))].sort();
