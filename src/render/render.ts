import type { Snapshot } from '../domain/commit.js';
import type { DesiredJob, NomadJob } from '../domain/job.js';
import { renderJsonJob } from './json.js';
import type { RenderIssue } from './errors.js';
import { renderHclJob } from './hcl/job.js';
import { parseVarFile, type VarFile } from './hcl/varfile.js';
import type { Problem } from './hcl/variables.js';
import { jobFormat, type JobSelection } from './select.js';

export { HCL_JOB, VAR_FILE } from './select.js';

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
  /** Which files are jobs (the app's `include`/`exclude` globs, relative to `root`, the app's path). */
  select?: Omit<JobSelection, 'varFiles'>;
};

/** The app's selection plus its listed var-files, which are never jobs. */
export function selectionOf(options: RenderOptions): JobSelection {
  const listed = (options.varFiles ?? []).filter((spec): spec is string => typeof spec === 'string');
  return { ...options.select, varFiles: new Set(listed) };
}

/** Renders every job file in a snapshot. Any issue fails the whole set. */
export function renderSnapshot(snapshot: Snapshot, options: RenderOptions): RenderResult {
  const issues: RenderIssue[] = [];
  const selection = selectionOf(options);
  const sorted = [...snapshot.files].sort(([a], [b]) => a.localeCompare(b));
  const read = new Set<string>();
  const rendered = renderHclFiles(
    snapshot,
    sorted.filter(([file]) => jobFormat(file, selection) === 'hcl'),
    options,
    issues,
    read,
  );
  // JSON files go second: one that a job file reads with file() is data, not a job.
  for (const [file, content] of sorted) {
    if (jobFormat(file, selection) !== 'json' || (read.has(file) && !selection.explicit?.has(file))) continue;
    const result = renderJsonJob(file, content.toString('utf8'));
    issues.push(...result.issues);
    if (result.job) rendered.push({ file, job: result.job });
  }
  const jobs = collectJobs(rendered, options.defaultNamespace, issues);
  return { jobs: issues.length > 0 ? [] : jobs, issues };
}

/** HCL2 job files, with the app's variables; a value no file declares is an issue. `read` hears file() reads. */
function renderHclFiles(
  snapshot: Snapshot,
  files: Array<[string, Buffer]>,
  options: RenderOptions,
  issues: RenderIssue[],
  read: Set<string>,
): Array<{ file: string; job: NomadJob }> {
  const varFiles = loadVarFiles(snapshot, options.varFiles ?? [], issues);
  const env = nomadVarEnv(options.env);
  const declared = new Set<string>();
  const undeclared = new Map<string, Problem>();
  const rendered: Array<{ file: string; job: NomadJob }> = [];
  for (const [file, content] of files) {
    const result = renderHclJob(file, content.toString('utf8'), {
      env,
      varFiles,
      vars: options.vars,
      files: snapshot.files,
      onFileRead: (path) => read.add(path),
      shared: {
        declared: (name) => declared.add(name),
        undeclared: (name, problem) => {
          if (!undeclared.has(name)) undeclared.set(name, problem);
        },
      },
    });
    issues.push(...result.problems.map(toIssue));
    if (result.job) rendered.push({ file, job: result.job as NomadJob });
  }
  for (const [name, problem] of undeclared)
    if (!declared.has(name)) issues.push(toIssue({ file: '(vars)', ...problem }));
  return rendered;
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
