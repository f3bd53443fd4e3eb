import { posix } from 'node:path';
import { minimatch } from 'minimatch';

/** Job files in HCL2, by default. */
export const HCL_JOB = /\.(nomad\.hcl|nomad|hcl)$/;
/** Var-files are inputs, never jobs. */
export const VAR_FILE = /\.vars\.(hcl|json)$|\.pkrvars(\.hcl)?$/;

/**
 * Which files of a snapshot are jobs. Globs are relative to `root` (the app's path) and use
 * `**` for any depth; `explicit` files (named on the command line) are jobs whatever their name.
 */
export type JobSelection = {
  root?: string;
  include?: readonly string[];
  exclude?: readonly string[];
  explicit?: ReadonlySet<string>;
  /** Var-files the app lists: inputs, never jobs. */
  varFiles?: ReadonlySet<string>;
};

/** How a file is read as a job, or undefined when it is not one. */
export type JobFormat = 'hcl' | 'json';

/**
 * Classifies one file: explicit files first; then var-files and `exclude` are never jobs;
 * with `include`, only matching files are (`.json` read as API JSON, anything else as HCL2);
 * without it, `*.nomad.hcl`, `*.nomad`, `*.hcl` and `*.json`.
 */
export function jobFormat(file: string, selection: JobSelection): JobFormat | undefined {
  const byExtension: JobFormat = posix.extname(file) === '.json' ? 'json' : 'hcl';
  if (selection.explicit?.has(file)) return byExtension;
  if (VAR_FILE.test(file) || selection.varFiles?.has(file)) return undefined;
  const rel = relativeTo(file, selection.root);
  if (rel === undefined) return undefined;
  if (selection.exclude?.some((glob) => matches(rel, glob))) return undefined;
  if (selection.include && selection.include.length > 0)
    return selection.include.some((glob) => matches(rel, glob)) ? byExtension : undefined;
  if (HCL_JOB.test(file)) return 'hcl';
  return byExtension === 'json' ? 'json' : undefined;
}

function matches(rel: string, glob: string): boolean {
  return minimatch(rel, glob, { dot: true });
}

function relativeTo(file: string, root: string | undefined): string | undefined {
  const base = posix.normalize(root ?? '.');
  if (base === '.' || base === '') return file;
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}
