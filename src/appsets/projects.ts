import type { AppSpec } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import type { DesiredJob } from '../domain/job.js';
import { normalizeRepoURL } from '../git/url.js';

/** A name glob (namespaces, job IDs, clusters, repositories): `*` matches any run of characters, `?` one. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function refuse(app: AppSpec, what: string): DroverError {
  const project = app.project!;
  return new DroverError(
    'DROVER_ERR_PROJECT',
    `app "${app.name}" is outside project "${project.name}": ${what}; nothing is written`,
    { app: app.name, project: project.name },
  );
}

/**
 * Checks what is known before git is read: the app's repository and destination. Throws
 * DROVER_ERR_PROJECT (the app shows ProjectViolation) when the project does not allow them.
 */
export function checkProjectSource(app: AppSpec): void {
  const project = app.project;
  if (!project) return;
  const repo = normalizeRepoURL(app.source.repoURL);
  if (project.repositories && !project.repositories.some((p) => globMatch(p, repo)))
    throw refuse(app, `repository ${repo} is not in its repositories (${project.repositories.join(', ') || 'none'})`);
  const { cluster, namespace } = app.destination;
  if (
    project.destinations &&
    !project.destinations.some((d) => globMatch(d.cluster, cluster) && globMatch(d.namespace, namespace))
  ) {
    const allowed = project.destinations.map((d) => `${d.cluster}/${d.namespace}`).join(', ') || 'none';
    throw refuse(app, `destination ${cluster}/${namespace} is not one of its destinations (${allowed})`);
  }
}

/** Checks the rendered jobs: each job's namespace must be an allowed destination, and its ID an allowed job. */
export function checkProjectJobs(app: AppSpec, desired: readonly DesiredJob[]): void {
  const project = app.project;
  if (!project) return;
  const cluster = app.destination.cluster;
  for (const job of desired) {
    if (
      project.destinations &&
      !project.destinations.some((d) => globMatch(d.cluster, cluster) && globMatch(d.namespace, job.namespace))
    )
      throw refuse(app, `job "${job.id}" targets namespace "${job.namespace}", which is not one of its destinations`);
    if (project.jobs && !project.jobs.some((p) => globMatch(p, job.id)))
      throw refuse(app, `job ID "${job.id}" matches none of its jobs (${project.jobs.join(', ') || 'none'})`);
  }
}
