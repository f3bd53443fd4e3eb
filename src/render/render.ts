import { posix } from 'node:path';
import type { Snapshot } from '../domain/commit.js';
import type { DesiredJob } from '../domain/job.js';
import { renderJsonJob } from './json.js';
import type { RenderIssue } from './errors.js';

export type RenderResult = {
  jobs: DesiredJob[];
  /** Non-empty means the render failed: callers must not act on `jobs` (no partial job sets). */
  issues: RenderIssue[];
};

export type RenderOptions = {
  /** Namespace a job lands in when its file does not set one. */
  defaultNamespace: string;
};

const HCL_JOB = /\.(nomad\.hcl|nomad|hcl)$/;
const VAR_FILE = /\.vars\.(hcl|json)$|\.pkrvars(\.hcl)?$/;

/** Renders every job file in a snapshot. Any issue fails the whole set. */
export function renderSnapshot(snapshot: Snapshot, options: RenderOptions): RenderResult {
  const jobs: DesiredJob[] = [];
  const issues: RenderIssue[] = [];
  const seen = new Map<string, string>();
  for (const [file, content] of [...snapshot.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (VAR_FILE.test(file)) continue;
    if (HCL_JOB.test(file)) {
      issues.push({ file, message: 'HCL job files are not rendered yet; use JSON job files (nomad job run -output)' });
      continue;
    }
    if (posix.extname(file) !== '.json') continue;
    const result = renderJsonJob(file, content.toString('utf8'));
    issues.push(...result.issues);
    if (!result.job) continue;
    const namespace = typeof result.job.Namespace === 'string' && result.job.Namespace !== '' ? result.job.Namespace : options.defaultNamespace;
    const key = `${namespace}/${result.job.ID}`;
    const other = seen.get(key);
    if (other) {
      issues.push({ file, message: `job "${result.job.ID}" in namespace "${namespace}" is also defined in ${other}` });
      continue;
    }
    seen.set(key, file);
    jobs.push({ id: result.job.ID, namespace, file, job: result.job });
  }
  return { jobs: issues.length > 0 ? [] : jobs, issues };
}
