import { useState } from 'react';
import { api } from '../api.ts';
import { showValue } from '../format.ts';
import type { App, JobDiff } from '../types.ts';
import { useResource } from '../use-resource.ts';
import { SyncBadge } from './Badges.tsx';
import { PlanNotes } from './Plan.tsx';

type Mode = 'split' | 'unified';

/** Per job, desired (git) against live (Nomad), with Nomad's plan annotations and the ignored fields. */
export function DiffPanel({ app, version }: { app: App; version: string }) {
  const { data, error } = useResource(() => api.diff(app.name), `${app.name}:${version}`);
  const [mode, setMode] = useState<Mode>('split');
  if (error) return <p role="alert">Could not compute the diff: {error.message}</p>;
  if (!data) return <p aria-busy="true">Comparing git with the cluster…</p>;
  return (
    <section aria-label="Diff">
      <fieldset className="toggle">
        <legend className="visually-hidden">Diff layout</legend>
        {(['split', 'unified'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="diff-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {m === 'split' ? 'Side by side' : 'Unified'}
          </label>
        ))}
      </fieldset>
      {data.jobs.length === 0 && <p>No jobs to compare.</p>}
      {data.jobs.map((job) => (
        <JobDiffView
          key={`${job.namespace}/${job.id}`}
          job={job}
          mode={mode}
          ignored={ignoredPaths(app, job.id)}
          plan={data.actions?.find((a) => a.id === job.id && a.namespace === job.namespace)?.plan}
        />
      ))}
    </section>
  );
}

function ignoredPaths(app: App, job: string): string[] {
  const matches = (glob: string | undefined) =>
    !glob ||
    new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(job);
  return app.ignoreDifferences.filter((rule) => matches(rule.job)).flatMap((rule) => rule.paths);
}

function JobDiffView({
  job,
  mode,
  ignored,
  plan,
}: {
  job: JobDiff;
  mode: Mode;
  ignored: string[];
  plan: Parameters<typeof PlanNotes>[0]['plan'];
}) {
  return (
    <article className="job-diff" aria-label={`Diff of ${job.id}`}>
      <h3>
        <code>{job.id}</code> <SyncBadge status={job.status} />{' '}
        {job.file && <span className="muted small">{job.file}</span>}
      </h3>
      <PlanNotes plan={plan} />
      {job.status === 'Missing' ? (
        <p className="small">Only in git: a sync creates this job in Nomad.</p>
      ) : job.status === 'Extra' ? (
        <p className="small">Only in the cluster: a sync with prune stops it.</p>
      ) : job.diff.length === 0 ? (
        <p className="muted small">Git and the cluster agree on every compared field.</p>
      ) : mode === 'split' ? (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Desired (git)</th>
              <th scope="col">Live (Nomad)</th>
            </tr>
          </thead>
          <tbody>
            {job.diff.map((d) => (
              <tr key={d.path}>
                <th scope="row">
                  <code>{d.path}</code>
                </th>
                <td className="del-none add">
                  {d.desired === undefined ? <em>absent</em> : <code>{showValue(d.desired)}</code>}
                </td>
                <td className="del">{d.live === undefined ? <em>absent</em> : <code>{showValue(d.live)}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <pre className="diff-unified" aria-label="Unified diff">
          {job.diff.map((d) => (
            <span key={d.path}>
              <span className="hunk">@@ {d.path}</span>
              {'\n'}
              {d.live !== undefined && (
                <span className="del">
                  - {showValue(d.live)}
                  {'\n'}
                </span>
              )}
              {d.desired !== undefined && (
                <span className="add">
                  + {showValue(d.desired)}
                  {'\n'}
                </span>
              )}
            </span>
          ))}
        </pre>
      )}
      {ignored.length > 0 && (
        <p className="small muted">
          Ignored (ignoreDifferences):{' '}
          {ignored.map((p) => (
            <code key={p} className="ignored">
              {p} <span className="tag">ignored</span>
            </code>
          ))}
        </p>
      )}
    </article>
  );
}
