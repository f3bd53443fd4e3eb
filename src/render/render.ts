import { posix } from 'node:path';
import type { Snapshot } from '../domain/commit.js';
import type { DesiredJob, NomadJob } from '../domain/job.js';
import { renderJsonJob } from './json.js';
import type { RenderIssue } from './errors.js';
import { renderHclJob } from './hcl/job.js';
import { parseVarFile, type VarFile } from './hcl/varfile.js';
import type { Problem } from './hcl/variables.js';

export type RenderResult = {
  jobs: DesiredJob[];
  /** Non-empty means the render failed: callers must not act on `jobs` (no partial job sets). */
  issues: RenderIssue[];
};

export type RenderOptions = {
  /** Namespace a job lands in when its file does not set one. */
  defaultNamespace: string;
  /** Variable values (the app's `vars`, `--var k=v`): highest precedence. */
  vars?: Record<string, string>;
  /**
   * Var-files, lowest precedence first: a string is a path inside the snapshot, an object
   * carries its own content (CLI files outside the rendered folder).
   */
  varFiles?: Array<string | { file: string; content: string }>;
  /** Environment to take `NOMAD_VAR_*` from (lowest precedence); none when omitted. */
  env?: NodeJS.ProcessEnv;
};

/** Job files in HCL2. */
export const HCL_JOB = /\.(nomad\.hcl|nomad|hcl)$/;
/** Var-files are inputs, never jobs. */
export const VAR_FILE = /\.vars\.(hcl|json)$|\.pkrvars(\.hcl)?$/;

/** Renders every job file in a snapshot. Any issue fails the whole set. */
export function renderSnapshot(snapshot: Snapshot, options: RenderOptions): RenderResult {
  const issues: RenderIssue[] = [];
  const varFiles = loadVarFiles(snapshot, options.varFiles ?? [], issues);
  const env = nomadVarEnv(options.env);
  const declared = new Set<string>();
  const undeclared = new Map<string, Problem>();
  const rendered: Array<{ file: string; job: NomadJob }> = [];
  const listed = new Set((options.varFiles ?? []).filter((spec) => typeof spec === 'string'));
  for (const [file, content] of [...snapshot.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (VAR_FILE.test(file) || listed.has(file)) continue;
    if (HCL_JOB.test(file)) {
      const result = renderHclJob(file, content.toString('utf8'), {
        env,
        varFiles,
        vars: options.vars,
        files: snapshot.files,
        shared: {
          declared: (name) => declared.add(name),
          undeclared: (name, problem) => {
            if (!undeclared.has(name)) undeclared.set(name, problem);
          },
        },
      });
      issues.push(...result.problems.map(toIssue));
      if (result.job) rendered.push({ file, job: result.job as NomadJob });
    } else if (posix.extname(file) === '.json') {
      const result = renderJsonJob(file, content.toString('utf8'));
      issues.push(...result.issues);
      if (result.job) rendered.push({ file, job: result.job });
    }
  }
  for (const [name, problem] of undeclared)
    if (!declared.has(name)) issues.push(toIssue({ file: '(vars)', ...problem }));
  const jobs = collectJobs(rendered, options.defaultNamespace, issues);
  return { jobs: issues.length > 0 ? [] : jobs, issues };
}

/** Pairs jobs with their namespace and refuses two files defining the same job. */
export function collectJobs(
  rendered: Array<{ file: string; job: NomadJob }>,
  defaultNamespace: string,
  issues: RenderIssue[],
): DesiredJob[] {
  const seen = new Map<string, string>();
  const jobs: DesiredJob[] = [];
  for (const { file, job } of rendered) {
    const namespace = typeof job.Namespace === 'string' && job.Namespace !== '' ? job.Namespace : defaultNamespace;
    const key = `${namespace}/${job.ID}`;
    const other = seen.get(key);
    if (other) {
      issues.push({ file, message: `job "${job.ID}" in namespace "${namespace}" is also defined in ${other}` });
      continue;
    }
    seen.set(key, file);
    jobs.push({ id: job.ID, namespace, file, job });
  }
  return jobs;
}

function loadVarFiles(
  snapshot: Snapshot,
  specs: NonNullable<RenderOptions['varFiles']>,
  issues: RenderIssue[],
): VarFile[] {
  const out: VarFile[] = [];
  for (const spec of specs) {
    const file = typeof spec === 'string' ? spec : spec.file;
    const content = typeof spec === 'string' ? snapshot.files.get(spec)?.toString('utf8') : spec.content;
    if (content === undefined) {
      issues.push({ file, message: 'var-file not found in the rendered folder at this revision' });
      continue;
    }
    const parsed = parseVarFile(file, content);
    issues.push(...parsed.problems.map(toIssue));
    if (parsed.varFile) out.push(parsed.varFile);
  }
  return out;
}

/** `NOMAD_VAR_name=value` entries, with the prefix removed. */
export function nomadVarEnv(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (key.startsWith('NOMAD_VAR_') && value !== undefined) out[key.slice('NOMAD_VAR_'.length)] = value;
  }
  return out;
}

function toIssue(problem: Problem): RenderIssue {
  return {
    file: problem.file ?? '(vars)',
    line: problem.pos?.line,
    column: problem.pos?.column,
    message: problem.message,
  };
}
