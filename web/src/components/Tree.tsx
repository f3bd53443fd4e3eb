import { AllocBadge, HealthBadge, SyncBadge } from './Badges.tsx';
import type { App, JobNode, ResourceTree, TaskGroupNode } from '../types.ts';

/** The app, its jobs, their task groups and allocations, each with its status: the picture people look at first. */
export function Tree({ app, tree }: { app: App; tree: ResourceTree | undefined }) {
  return (
    <ul className="tree" aria-label={`Resources of ${app.name}`}>
      <li>
        <div className="node node-app">
          <span className="kind">app</span> <strong>{app.name}</strong>
          <SyncBadge status={app.status.sync.status} />
          <HealthBadge status={app.status.health.status} />
        </div>
        {!tree ? (
          <p aria-busy="true">Loading resources…</p>
        ) : tree.jobs.length === 0 ? (
          <p className="muted">This app has no jobs.</p>
        ) : (
          <ul>
            {tree.jobs.map((job) => (
              <Job key={`${job.namespace}/${job.id}`} job={job} />
            ))}
          </ul>
        )}
      </li>
    </ul>
  );
}

function Job({ job }: { job: JobNode }) {
  return (
    <li>
      <div className="node node-job" data-job={job.id}>
        <span className="kind">{job.type ? `${job.type} job` : 'job'}</span> <strong>{job.id}</strong>
        <SyncBadge status={job.sync} />
        {job.health && <HealthBadge status={job.health.status} />}
        <span className="muted small">
          {job.version !== undefined && `v${job.version}`} {job.status} {job.periodic && '· periodic'} {job.file}
        </span>
        {job.health?.message && <span className="small node-message">{job.health.message}</span>}
        {job.error && <span className="small error">{job.error}</span>}
      </div>
      {job.groups.length > 0 && (
        <ul>
          {job.groups.map((group) => (
            <Group key={group.name} group={group} />
          ))}
        </ul>
      )}
    </li>
  );
}

function Group({ group }: { group: TaskGroupNode }) {
  const running = group.allocations.filter((a) => a.clientStatus === 'running').length;
  return (
    <li>
      <div className="node node-group">
        <span className="kind">group</span> <strong>{group.name}</strong>
        <span className="small">
          {running} running of {group.count} wanted
        </span>
      </div>
      {group.allocations.length > 0 && (
        <ul>
          {group.allocations.map((alloc) => (
            <li key={alloc.id}>
              <div
                className={`node node-alloc ${alloc.desiredStatus !== 'run' ? 'node-stopped' : ''}`}
                data-alloc={alloc.id}
              >
                <span className="kind">alloc</span> <code title={alloc.id}>{alloc.id.slice(0, 8)}</code>
                <AllocBadge status={alloc.clientStatus} />
                {alloc.healthy !== undefined && <HealthBadge status={alloc.healthy ? 'Healthy' : 'Degraded'} />}
                <span className="small">
                  node <strong>{alloc.node || alloc.nodeId.slice(0, 8)}</strong> · v{alloc.jobVersion}
                  {alloc.desiredStatus !== 'run' && ` · desired ${alloc.desiredStatus}`}
                  {alloc.childJob && ` · ${alloc.childJob}`}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
