import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, type SyncOptions } from '../api.ts';
import type { App, DiffView, SyncRun } from '../types.ts';
import { PlanList } from './Plan.tsx';
import { shortSha } from '../format.ts';

export type Action = { kind: 'sync' } | { kind: 'rollback' } | { kind: 'pin' } | { kind: 'unpin' };

/**
 * A confirmation dialog for a state-changing action: it shows the dry run's plan of what will
 * change before the user confirms. A native <dialog> gives focus trapping and Escape for free.
 */
export function ActionDialog(props: {
  app: App;
  action: Action;
  history: SyncRun[];
  onClose: (done?: string) => void;
}) {
  const { app, action, onClose } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const [jobs, setJobs] = useState(() => {
    const outOfSync = app.status.jobs.filter((j) => j.status !== 'Synced').map((j) => j.id);
    return outOfSync.length > 0 ? outOfSync : app.status.jobs.map((j) => j.id);
  });
  const [prune, setPrune] = useState(app.syncPolicy.prune);
  const runs = props.history.filter((r) => r.result === 'Succeeded' && r.revision);
  const [runId, setRunId] = useState<number | undefined>(
    runs.find((r) => r.revision !== app.status.sync.revision)?.id ?? runs[0]?.id,
  );
  const [plan, setPlan] = useState<DiffView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => ref.current?.showModal(), []);

  const target = targetOf(
    app,
    action,
    jobs,
    prune,
    runs.find((r) => r.id === runId),
  );
  useEffect(() => {
    setPlan(undefined);
    setError(undefined);
    if (!target.plan) return;
    let stale = false;
    api
      .plan(app.name, target.plan)
      .then((p) => !stale && setPlan(p))
      .catch((e: Error) => !stale && setError(e.message));
    return () => void (stale = true);
  }, [JSON.stringify(target.plan)]);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await target.run();
      onClose(answer.run ? `${target.title}: run #${answer.run.id} ${answer.run.result}` : `${target.title}: done`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={() => onClose()}>
      <h2 id="dialog-title">{target.title}</h2>
      {action.kind === 'sync' && (
        <SyncChoices app={app} jobs={jobs} setJobs={setJobs} prune={prune} setPrune={setPrune} />
      )}
      {action.kind === 'rollback' && (
        <label className="block">
          Roll back to
          <select value={runId ?? ''} onChange={(e) => setRunId(Number(e.target.value))}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                #{r.id} {shortSha(r.revision)} {r.subject ?? ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <p>{target.explain}</p>
      <section
        aria-label="What will change"
        aria-busy={Boolean(target.plan) && !plan && !error}
        className="dialog-plan"
      >
        <h3>What will change</h3>
        {!target.plan ? (
          <p>No plan before the branch is resolved.</p>
        ) : plan ? (
          <PlanList plan={plan} />
        ) : (
          !error && <p>Planning with Nomad…</p>
        )}
      </section>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={() => ref.current?.close()}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || (action.kind === 'sync' && jobs.length === 0) || (action.kind === 'rollback' && !runId)}
          onClick={confirm}
        >
          {busy ? 'Working…' : target.confirm}
        </button>
      </div>
    </dialog>
  );
}

function SyncChoices(p: {
  app: App;
  jobs: string[];
  setJobs: (j: string[]) => void;
  prune: boolean;
  setPrune: (b: boolean) => void;
}) {
  const toggle = (id: string) => p.setJobs(p.jobs.includes(id) ? p.jobs.filter((j) => j !== id) : [...p.jobs, id]);
  return (
    <>
      <fieldset>
        <legend>Jobs to sync</legend>
        {p.app.status.jobs.map((job) => (
          <label key={job.id} className="block">
            <input type="checkbox" checked={p.jobs.includes(job.id)} onChange={() => toggle(job.id)} />{' '}
            <code>{job.id}</code> <span className="muted small">{job.status}</span>
          </label>
        ))}
      </fieldset>
      <label className="block">
        <input type="checkbox" checked={p.prune} onChange={(e) => p.setPrune(e.target.checked)} /> Prune jobs git no
        longer has
      </label>
    </>
  );
}

type Target = {
  title: string;
  confirm: string;
  explain: ReactNode;
  plan?: SyncOptions;
  run: () => ReturnType<typeof api.sync>;
};

function targetOf(app: App, action: Action, jobs: string[], prune: boolean, run: SyncRun | undefined): Target {
  const current = app.status.sync.revision;
  switch (action.kind) {
    case 'sync': {
      const all = jobs.length === app.status.jobs.length;
      const options: SyncOptions = { ...(all ? {} : { jobs }), prune };
      return {
        title: `Sync ${app.name}`,
        confirm: 'Sync',
        explain: 'Writes the selected jobs from git to Nomad.',
        plan: options,
        run: () => api.sync(app.name, options),
      };
    }
    case 'rollback':
      return {
        title: `Roll back ${app.name}`,
        confirm: 'Roll back',
        explain: 'Syncs the chosen run’s revision and pins the app there: automated sync waits until you unpin.',
        ...(run ? { plan: { revision: run.revision } } : {}),
        run: () => api.rollback(app.name, { id: run!.id }),
      };
    case 'pin':
      return {
        title: `Pin ${app.name}`,
        confirm: 'Pin',
        explain: `Keeps the app at ${shortSha(current)}: new commits are compared but not synced until you unpin.`,
        ...(current ? { plan: { revision: current } } : {}),
        run: () => api.rollback(app.name, { revision: current! }),
      };
    case 'unpin':
      return {
        title: `Unpin ${app.name}`,
        confirm: 'Unpin',
        explain:
          'Resumes automated sync: Drover resolves the branch again and syncs its newest commit. The diff tab shows what differs once unpinned.',
        run: () => api.unpin(app.name),
      };
  }
}
