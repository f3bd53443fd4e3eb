import { posix } from 'node:path';
import { minimatch } from 'minimatch';
import type { AppSetConfig, GeneratorConfig, Params } from '../config/config.js';
import { combineParams, flattenParams } from '../config/placeholders.js';
import type { AppSpec } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import type { GitMirror } from '../git/mirror.js';
import { listTree, readBlobs, type TreeEntry } from '../git/tree-list.js';

/** Largest `git_files` parameter file read, in bytes. */
const MAX_PARAM_FILE_BYTES = 1024 * 1024;

/** Where generators read git: the mirror of a repository URL (fetched by the caller), as MirrorSet gives it. */
export type GitSource = { get(url: string): GitMirror };

/** What one run of a set produced: its apps, and the commit each repository it read was at. */
export type Generated = { apps: AppSpec[]; commits: Map<string, string> };

/**
 * Runs a set's generator against git as the mirrors hold it and renders its template once per
 * parameter set. Any failure (git, a bad file, a template error, two apps with one name)
 * throws: callers keep the set's previous apps, so a broken read never removes one.
 */
export async function generateApps(set: AppSetConfig, git: GitSource): Promise<Generated> {
  const commits = new Map<string, string>();
  const params = await generateParams(set.generator, git, commits);
  const reads = usesFiles(set.generator);
  const apps = params.map((p) => (reads ? withoutParamFile(set.render(p), p) : set.render(p)));
  const seen = new Map<string, Params>();
  params.forEach((p, i) => {
    const name = apps[i]!.name;
    const first = seen.get(name);
    if (first)
      throw new DroverError(
        'DROVER_ERR_APPSET',
        `app set "${set.name}": template.name gives "${name}" for two parameter sets (${describe(first)} and ${describe(p)}); ` +
          'make it unique, e.g. with ${path.basename}',
        { appSet: set.name, app: name },
      );
    seen.set(name, p);
  });
  return { apps, commits };
}

function usesFiles(generator: GeneratorConfig): boolean {
  return generator.kind === 'git_files' || (generator.kind === 'matrix' && generator.generators.some(usesFiles));
}

/** A `git_files` parameter file inside the app's own folder is an input of the set, never one of the app's jobs. */
function withoutParamFile(app: AppSpec, params: Params): AppSpec {
  const name = params['path.filename'];
  if (name === undefined || params.path === undefined) return app;
  const file = posix.join(params.path, name);
  const root = app.source.path === '.' ? '' : `${app.source.path}/`;
  if (!file.startsWith(root)) return app;
  return { ...app, exclude: [...(app.exclude ?? []), file.slice(root.length)] };
}

function describe(params: Params): string {
  return params.path ?? JSON.stringify(params);
}

/** One generator's parameter sets, in a stable order. */
export async function generateParams(
  generator: GeneratorConfig,
  git: GitSource,
  commits = new Map<string, string>(),
): Promise<Params[]> {
  switch (generator.kind) {
    case 'list':
      return generator.elements;
    case 'matrix': {
      const [a, b] = await Promise.all(generator.generators.map((g) => generateParams(g, git, commits)));
      try {
        return combineParams(a!, b!);
      } catch (error) {
        throw new DroverError('DROVER_ERR_APPSET', `${generator.at}: matrix: ${(error as Error).message}`);
      }
    }
    case 'git_directories': {
      const { entries } = await readTree(generator, git, commits);
      return entries
        .filter((e) => e.type === 'tree' && matches(e.path, generator.paths) && !matches(e.path, generator.exclude))
        .map((e) => ({ path: e.path, 'path.basename': posix.basename(e.path) }));
    }
    case 'git_files': {
      const { mirror, entries, sha } = await readTree(generator, git, commits);
      const files = entries.filter((e) => e.type === 'blob' && matches(e.path, generator.paths));
      const contents = await readBlobs(mirror, files, MAX_PARAM_FILE_BYTES);
      return files.map((file, i) => fileParams(file, contents[i]!, sha));
    }
  }
}

async function readTree(
  generator: Extract<GeneratorConfig, { repoURL: string }>,
  git: GitSource,
  commits: Map<string, string>,
): Promise<{ mirror: GitMirror; entries: TreeEntry[]; sha: string }> {
  const mirror = git.get(generator.repoURL);
  const sha = await mirror.resolve(generator.revision);
  commits.set(generator.repoURL, sha);
  return { mirror, entries: await listTree(mirror, sha), sha };
}

function matches(path: string, globs: readonly string[]): boolean {
  return globs.some((glob) => minimatch(path, glob));
}

/** A `git_files` file's keys (flattened), with `path`, `path.basename` and `path.filename` on top. */
function fileParams(file: TreeEntry, bytes: Buffer, sha: string): Params {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DroverError(
      'DROVER_ERR_APPSET',
      `${file.path} at ${sha.slice(0, 12)}: invalid JSON: ${(error as Error).message}`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new DroverError(
      'DROVER_ERR_APPSET',
      `${file.path} at ${sha.slice(0, 12)}: must hold a JSON object of parameters`,
    );
  const dir = posix.dirname(file.path);
  return {
    ...flattenParams(value as Record<string, unknown>),
    path: dir,
    'path.basename': posix.basename(dir),
    'path.filename': posix.basename(file.path),
  };
}
