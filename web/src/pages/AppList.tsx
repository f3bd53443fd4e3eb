import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.ts';
import { HealthBadge, ResultBadge, SyncBadge } from '../components/Badges.tsx';
import { Revision } from '../components/Revision.tsx';
import { Time } from '../components/Time.tsx';
import { applyFilters, distinct, readFilters, SORTS, summarize, writeFilters, type Filters } from '../filters.ts';
import { useLiveEvents } from '../live.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import type { App } from '../types.ts';
import { useResource } from '../use-resource.ts';

const ROW_HEIGHT = 76;
// Must match styles.css: the row height and the width below which rows wrap.
const ROW_HEIGHT_COMPACT = 118;
const COMPACT = '(max-width: 760px)';

function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const list = matchMedia(query);
    const change = () => setMatches(list.matches);
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, [query]);
  return matches;
}
const SYNC_STATES = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH_STATES = ['Healthy', 'Progressing', 'Degraded', 'Missing', 'Suspended', 'Unknown'];

export function AppList() {
  const url = useLocation();
  const filters = readFilters(url.searchParams);
  const { data: apps, error, reload, setData } = useResource(api.apps, 'apps');
  useLiveEvents((event) => {
    // A status event patches its row at once; the full list follows, coalesced.
    if (event.type === 'app.status' && apps)
      setData(
        apps.map((a) => (a.name === event.app ? { ...a, status: { ...a.status, ...(event.status as object) } } : a)),
      );
    void reload();
  });
  const shown = useMemo(() => applyFilters(apps ?? [], filters), [apps, JSON.stringify(filters)]);
  const set = (change: Partial<Filters>) => navigate(`/${writeFilters({ ...filters, ...change })}`, true);

  if (error && !apps) return <p role="alert">Could not load the apps: {error.message}</p>;
  if (!apps) return <p aria-busy="true">Loading apps…</p>;
  return (
    <>
      <h1>Applications</h1>
      <Summary apps={apps} filters={filters} set={set} />
      <FilterBar apps={apps} filters={filters} set={set} />
      <p className="muted" aria-live="polite">
        {shown.length === apps.length ? `${apps.length} apps` : `${shown.length} of ${apps.length} apps`}
      </p>
      {apps.length === 0 ? (
        <p>
          No apps are configured. Add an <code>app</code> block to the server's config file.
        </p>
      ) : (
        <Rows apps={shown} />
      )}
    </>
  );
}

function Summary({ apps, filters, set }: { apps: App[]; filters: Filters; set: (f: Partial<Filters>) => void }) {
  const counts = summarize(apps);
  const chip = (kind: 'sync' | 'health', value: string, n: number) => (
    <button
      key={`${kind}-${value}`}
      type="button"
      className={`chip ${kind}-${value}`}
      aria-pressed={filters[kind] === value}
      onClick={() => set({ [kind]: filters[kind] === value ? '' : value })}
    >
      <strong>{n}</strong> {value}
    </button>
  );
  return (
    <section aria-label="Summary" className="summary">
      {SYNC_STATES.filter((s) => counts.sync[s]).map((s) => chip('sync', s, counts.sync[s]!))}
      <span className="divider" aria-hidden="true" />
      {HEALTH_STATES.filter((s) => counts.health[s]).map((s) => chip('health', s, counts.health[s]!))}
    </section>
  );
}

function FilterBar({ apps, filters, set }: { apps: App[]; filters: Filters; set: (f: Partial<Filters>) => void }) {
  const projects = distinct(apps, (a) => a.project);
  const appSets = distinct(apps, (a) => a.appSet ?? '').filter(Boolean);
  const select = (key: keyof Filters, label: string, options: string[], all = 'All') => (
    <label>
      {label}
      <select value={filters[key]} onChange={(e) => set({ [key]: e.target.value })}>
        {all && <option value="">{all}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        Search
        <input
          type="search"
          value={filters.q}
          placeholder="name, repository, path"
          onChange={(e) => set({ q: e.target.value })}
        />
      </label>
      {select('sync', 'Sync', SYNC_STATES)}
      {select('health', 'Health', HEALTH_STATES)}
      {select(
        'cluster',
        'Cluster',
        distinct(apps, (a) => a.destination.cluster),
      )}
      {select(
        'namespace',
        'Namespace',
        distinct(apps, (a) => a.destination.namespace),
      )}
      {/* Shown only where they tell apps apart: one project and no app set is the common small install. */}
      {projects.length > 1 && select('project', 'Project', projects)}
      {appSets.length > 0 && select('appSet', 'App set', appSets)}
      <label>
        Sort
        <select value={filters.sort} onChange={(e) => set({ sort: e.target.value as Filters['sort'] })}>
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

/** Only the rows in view are in the DOM, so a thousand apps scroll as smoothly as ten. Rows are taller on phones, where they wrap. */
function Rows({ apps }: { apps: App[] }) {
  const list = useRef<HTMLUListElement>(null);
  const compact = useMedia(COMPACT);
  const virtual = useWindowVirtualizer({
    count: apps.length,
    estimateSize: () => (compact ? ROW_HEIGHT_COMPACT : ROW_HEIGHT),
    overscan: 8,
    scrollMargin: list.current?.offsetTop ?? 0,
  });
  useEffect(() => virtual.measure(), [compact]);
  return (
    <ul ref={list} className="app-rows" aria-label="Applications" style={{ height: virtual.getTotalSize() }}>
      {virtual.getVirtualItems().map((item) => {
        const app = apps[item.index]!;
        return (
          <li
            key={app.name}
            className="app-row"
            data-app={app.name}
            aria-setsize={apps.length}
            aria-posinset={item.index + 1}
            style={{ transform: `translateY(${item.start - virtual.options.scrollMargin}px)` }}
          >
            <AppRow app={app} />
          </li>
        );
      })}
    </ul>
  );
}

function AppRow({ app }: { app: App }) {
  const s = app.status;
  return (
    <>
      <div className="app-name">
        <Link href={`/apps/${encodeURIComponent(app.name)}`}>{app.name}</Link>
        <span className="muted small">
          {app.destination.cluster}/{app.destination.namespace}
          {app.syncPolicy.automated ? '' : ' · manual'}
          {s.pin ? ' · pinned' : ''}
        </span>
      </div>
      <div className="app-source small">
        <span className="truncate" title={app.source.repoURL}>
          {app.source.repoURL}
        </span>
        <span className="muted">
          {app.source.path} @ {app.source.revision}{' '}
          <Revision repoURL={app.source.repoURL} sha={s.sync.revision ?? s.sync.targetRevision} />
        </span>
      </div>
      <div className="app-status">
        <SyncBadge status={s.sync.status} />
        <HealthBadge status={s.health.status} />
      </div>
      <div className="app-last small">
        {s.lastSync ? (
          <>
            <ResultBadge result={s.lastSync.result} /> <Time iso={s.lastSync.finishedAt} />
          </>
        ) : (
          <span className="muted">never synced</span>
        )}
      </div>
    </>
  );
}
