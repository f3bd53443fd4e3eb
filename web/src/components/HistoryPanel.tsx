import { useState } from 'react';
import { api } from '../api.ts';
import { duration, shortSha } from '../format.ts';
import type { App, SyncRun } from '../types.ts';
import { useResource } from '../use-resource.ts';
import { ResultBadge } from './Badges.tsx';
import { PlanNotes } from './Plan.tsx';
import { Revision } from './Revision.tsx';
import { Time } from './Time.tsx';

const TRIGGERS: Record<string, string> = {
  webhook: 'git webhook',
  poll: 'git poll',
  event: 'self-heal (cluster event)',
  resync: 'periodic resync',
  refresh: 'refresh',
  sync: 'manual sync',
  rollback: 'rollback',
  unpin: 'unpin',
};

/** The app's sync runs, newest first; a run opens to its per-job actions. */
export function HistoryPanel({ app, history }: { app: App; history: SyncRun[] | undefined }) {
  if (!history) return <p aria-busy="true">Loading history…</p>;
  if (history.length === 0) return <p>No sync has run yet.</p>;
  return (
    <ol className="timeline" aria-label="Sync history">
      {history.map((run) => (
        <RunItem key={run.id} app={app} run={run} />
      ))}
    </ol>
  );
}

function RunItem({ app, run }: { app: App; run: SyncRun }) {
  const [open, setOpen] = useState(false);
  const trigger = TRIGGERS[run.trigger] ?? run.trigger;
  return (
    <li className={`run run-${run.result}`} data-run={run.id}>
      <button type="button" className="run-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <ResultBadge result={run.result} />
        <span className="run-subject">{run.subject ?? <em>no commit subject</em>}</span>
        <span className="small muted">
          #{run.id} · {shortSha(run.revision)} · {run.author ?? 'unknown author'} · {trigger}
          {run.requestedBy ? ` by ${run.requestedBy}` : ''} · {duration(run.durationMs)}
        </span>
        <span className="small">
          <Time iso={run.startedAt} />
        </span>
      </button>
      {open && <RunDetail app={app} run={run} />}
    </li>
  );
}

function RunDetail({ app, run }: { app: App; run: SyncRun }) {
  const { data } = useResource(() => api.run(app.name, run.id), `${app.name}:${run.id}`);
  const full = data ?? run;
  return (
    <div className="run-detail">
      <p className="small">
        Revision <Revision repoURL={app.source.repoURL} sha={full.revision} />
        {full.message && <> · {full.message}</>}
      </p>
      {full.jobs.length === 0 ? (
        <p className="small muted">No job was written.</p>
      ) : (
        <table className="actions-table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Action</th>
              <th scope="col">Result</th>
              <th scope="col">Evaluation</th>
              <th scope="col">Deployment</th>
            </tr>
          </thead>
          <tbody>
            {full.jobs.map((job) => (
              <tr key={`${job.namespace}/${job.id}`}>
                <td>
                  <code>{job.id}</code>
                  {job.message && <div className="small error">{job.message}</div>}
                  <PlanNotes plan={job.plan} />
                </td>
                <td>{job.action}</td>
                <td>
                  <ResultBadge result={job.result} />
                </td>
                <td>{job.evalId ? <code title={job.evalId}>{job.evalId.slice(0, 8)}</code> : '—'}</td>
                <td>{job.deploymentId ? <code title={job.deploymentId}>{job.deploymentId.slice(0, 8)}</code> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
