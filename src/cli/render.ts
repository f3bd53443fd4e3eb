import { readFileSync } from 'node:fs';
import { canonicalizeJob } from '../nomad/canonicalize.js';
import { localFiles } from '../render/local.js';
import { renderSnapshot, type RenderOptions, type RenderResult } from '../render/render.js';
import { formatIssue } from '../render/errors.js';

/** Where a command writes (stdout and stderr, or a test sink). */
export type Output = Pick<NodeJS.WritableStream, 'write'>;

/** Options shared by `drover render` and `drover validate`. */
export type RenderFlags = { var?: string[]; varFile?: string[]; canonical?: boolean };

/** `--var k=v` and `--var-file f` into renderer options; NOMAD_VAR_* come from the environment. */
export function renderOptions(flags: RenderFlags, env: NodeJS.ProcessEnv = process.env): RenderOptions {
  const vars: Record<string, string> = {};
  for (const item of flags.var ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--var "${item}": expected name=value`);
    vars[item.slice(0, eq)] = item.slice(eq + 1);
  }
  const varFiles = (flags.varFile ?? []).map((file) => ({ file, content: readVarFile(file) }));
  return { defaultNamespace: 'default', vars, varFiles, env };
}

/** A --var-file's text; a missing or unreadable file is a one-line error, not a stack trace. */
function readVarFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`--var-file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * `drover render PATH`: prints the jobs as a JSON array, each as `nomad job run -output` prints
 * it (unwrapped), or canonicalized as `/v1/jobs/parse` returns it with `--canonical`; 1 on any error.
 */
export function renderCommand(
  paths: string[],
  flags: RenderFlags = {},
  out: Output = process.stdout,
  err: Output = process.stderr,
): number {
  const result = renderPaths(paths, flags, err);
  if (!result) return 1;
  if (result.issues.length > 0) {
    for (const issue of result.issues) err.write(formatIssue(issue) + '\n');
    return 1;
  }
  const jobs = result.jobs.map(({ job }) => (flags.canonical ? canonicalizeJob(job) : job));
  out.write(JSON.stringify(jobs, null, 2) + '\n');
  return 0;
}

/** `drover validate PATH...`: 0 when every file renders, 1 with file:line:col lines otherwise. */
export function validateCommand(
  paths: string[],
  flags: RenderFlags = {},
  out: Output = process.stdout,
  err: Output = process.stderr,
): number {
  const result = renderPaths(paths, flags, err);
  if (!result) return 1;
  for (const issue of result.issues) err.write(formatIssue(issue) + '\n');
  if (result.issues.length === 0) out.write(`${result.jobs.length} job(s) valid\n`);
  return result.issues.length === 0 ? 0 : 1;
}

/** Renders the named paths; undefined (after printing why) when a path is missing or holds no job file. */
function renderPaths(paths: string[], flags: RenderFlags, err: Output): RenderResult | undefined {
  const { snapshot, explicit, problems } = localFiles(paths);
  if (problems.length > 0) {
    for (const problem of problems) err.write(`drover: ${problem}\n`);
    return undefined;
  }
  let options: RenderOptions;
  try {
    options = renderOptions(flags);
  } catch (error) {
    err.write(`drover: ${(error as Error).message}\n`);
    return undefined;
  }
  return renderSnapshot(snapshot, { ...options, select: { explicit } });
}
