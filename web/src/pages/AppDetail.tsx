import { useState } from 'react';
import { api } from '../api.ts';
import { ActionDialog, type Action } from '../components/ActionDialog.tsx';
import { HealthBadge, ResultBadge, SyncBadge } from '../components/Badges.tsx';
import { Conditions } from '../components/Conditions.tsx';
import { DiffPanel } from '../components/DiffPanel.tsx';
import { HistoryPanel } from '../components/HistoryPanel.tsx';
import { Revision } from '../components/Revision.tsx';
import { Time } from '../components/Time.tsx';
import { Tree } from '../components/Tree.tsx';
import { useLiveEvents } from '../live.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import type { App, Role, SyncRun } from '../types.ts';
import { useResource } from '../use-resource.ts';

const TABS = { tree: 'Tree', diff: 'Diff', history: 'History' } as const;
type Tab = keyof typeof TABS;

/** One app: its status, conditions, tree, diff and history, and the actions the user's role allows. */
export function AppDetail({ name, role }: { name: string; role: Role }) {
  const url = useLocation();
  const tab = (url.searchParams.get('tab') as Tab | null) ?? 'tree';
  const app = useResource(() => api.app(name), name);
  const tree = useResource(() => api.resources(name), name);
  const history = useResource(() => api.history(name), name);
  const reloadAll = () => {
    void app.reload();
    void tree.reload();
    void history.reload();
  };
  useLiveEvents((event) => {
    if (event.app === undefined || event.app === name) reloadAll();
  });

  if (app.error && !app.data) return <p role="alert">{app.error.message}</p>;
  if (!app.data) return <p aria-busy="true">Loading {name}…</p>;
  const a = app.data;
  // The diff is recomputed when what it compares moves: git's revision, a sync, a job's status.
  const diffKey = [
    a.status.sync.targetRevision,
    a.status.lastSync?.finishedAt,
    ...a.status.jobs.map((j) => j.status),
  ].join();
  return (
    <>
      <nav aria-label="Breadcrumb" className="small">
        <Link href="/">Applications</Link> / {a.name}
      </nav>
      <header className="app-header">
        <h1>{a.name}</h1>
        <SyncBadge status={a.status.sync.status} />
        <HealthBadge status={a.status.health.status} />
        {a.status.pin && <span className="tag">pinned at {a.status.pin.revision.slice(0, 7)}</span>}
      </header>
      <AppFacts app={a} />
      <Actions app={a} role={role} history={history.data ?? []} onDone={reloadAll} />
      <Conditions conditions={a.status.conditions} />
      <div role="tablist" aria-label="Views" className="tabs">
        {(Object.keys(TABS) as Tab[]).map((t) => (
          <button
            key={t}
            role="tab"
            type="button"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls="tab-panel"
            onClick={() => navigate(`/apps/${encodeURIComponent(name)}${t === 'tree' ? '' : `?tab=${t}`}`, true)}
          >
            {TABS[t]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'tree' && <Tree app={a} tree={tree.data} />}
        {tab === 'diff' && <DiffPanel app={a} version={diffKey} />}
        {tab === 'history' && <HistoryPanel app={a} history={history.data} />}
      </div>
    </>
  );
}

function AppFacts({ app }: { app: App }) {
  const s = app.status;
  return (
    <dl className="facts">
      <dt>Repository</dt>
      <dd className="truncate">{app.source.repoURL}</dd>
      <dt>Path @ revision</dt>
      <dd>
        {app.source.path} @ {app.source.revision}
      </dd>
      <dt>Synced at</dt>
      <dd>
        <Revision repoURL={app.source.repoURL} sha={s.sync.revision} />
        {s.sync.targetRevision && s.sync.targetRevision !== s.sync.revision && (
          <>
            {' '}
            (git has <Revision repoURL={app.source.repoURL} sha={s.sync.targetRevision} />)
          </>
        )}
      </dd>
      <dt>Destination</dt>
      <dd>
        {app.destination.cluster} / {app.destination.namespace}
      </dd>
      <dt>Project</dt>
      <dd>{app.project}</dd>
      {app.appSet && (
        <>
          <dt>App set</dt>
          <dd>{app.appSet}</dd>
        </>
      )}
      <dt>Sync policy</dt>
      <dd>
        {app.syncPolicy.automated ? 'automated' : 'manual'}
        {app.syncPolicy.prune ? ', prune' : ''}
        {app.syncPolicy.selfHeal ? ', self-heal' : ''}
      </dd>
      <dt>Last sync</dt>
      <dd>
        {s.lastSync ? (
          <>
            <ResultBadge result={s.lastSync.result} /> <Time iso={s.lastSync.finishedAt} /> {s.lastSync.message}
          </>
        ) : (
          'never'
        )}
      </dd>
      {s.health.message && (
        <>
          <dt>Health</dt>
          <dd>{s.health.message}</dd>
        </>
      )}
    </dl>
  );
}

function Actions({ app, role, history, onDone }: { app: App; role: Role; history: SyncRun[]; onDone: () => void }) {
  const [action, setAction] = useState<Action>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const refresh = async () => {
    setBusy(true);
    try {
      const answer = await api.refresh(app.name);
      setNotice(`Refreshed: ${answer.status.sync.status}, ${answer.status.health.status}`);
    } catch (e) {
      setNotice(`Refresh failed: ${(e as Error).message}`);
    }
    setBusy(false);
    onDone();
  };
  // Viewers get no buttons at all: the server would refuse them anyway.
  if (role === 'viewer') return null;
  return (
    <div className="actions" aria-label="Actions" role="group">
      <button type="button" onClick={refresh} disabled={busy}>
        {busy ? 'Refreshing…' : 'Refresh'}
      </button>
      {
        <>
          <button type="button" className="primary" onClick={() => setAction({ kind: 'sync' })}>
            Sync…
          </button>
          <button type="button" onClick={() => setAction({ kind: 'rollback' })} disabled={history.length === 0}>
            Rollback…
          </button>
          {app.status.pin ? (
            <button type="button" onClick={() => setAction({ kind: 'unpin' })}>
              Unpin…
            </button>
          ) : (
            <button type="button" onClick={() => setAction({ kind: 'pin' })} disabled={!app.status.sync.revision}>
              Pin…
            </button>
          )}
        </>
      }
      <span role="status" className="small">
        {notice}
      </span>
      {action && (
        <ActionDialog
          app={app}
          action={action}
          history={history}
          onClose={(done) => {
            setAction(undefined);
            if (done) setNotice(done);
            onDone();
          }}
        />
      )}
    </div>
  );
}
