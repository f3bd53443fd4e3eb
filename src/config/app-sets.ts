import type { AppSpec, ProjectSpec } from '../domain/app.js';
import { normalizeRepoURL } from '../git/url.js';
import { buildApp, configError, resolveRepoURL, type AppContext, type Where } from './app-spec.js';
import { checkURLHasNoSecret } from './repository.js';
import type { AppSetConfig, GeneratorConfig, Params, RepositoryConfig } from './config.js';
import { combineParams, flattenParams, GIT_DIRECTORY_KEYS, placeholdersIn, substitute } from './placeholders.js';
import type { AppSetFile, ConfigFile, MatrixFile } from './schema.js';

const APP_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

/** Project blocks, with repository block names turned into the (normalized) URLs they stand for. */
export function buildProjects(
  data: ConfigFile,
  repositories: Map<string, RepositoryConfig>,
  at: Where,
  file: string,
): Map<string, ProjectSpec> {
  const projects = new Map<string, ProjectSpec>();
  for (const [name, block] of Object.entries(data.project)) {
    const repos = block.repositories?.map((entry, i) => {
      if (entry === '*') return entry;
      const repo = repositories.get(entry);
      if (repo) return normalizeRepoURL(repo.url);
      if (/^[a-z][a-z0-9+.-]*:\/\/|@/i.test(entry)) return normalizeRepoURL(entry);
      const where = ['project', name, 'repositories', i];
      const message = `"${entry}" is neither a repository block name nor a URL glob`;
      throw configError(at(where), `project.${name}.repositories`, message, file);
    });
    projects.set(name, {
      name,
      ...(repos ? { repositories: repos } : {}),
      ...(block.destinations ? { destinations: block.destinations } : {}),
      ...(block.jobs ? { jobs: block.jobs } : {}),
    });
  }
  return projects;
}

/**
 * App set blocks. Placeholders are checked against what the generator gives (a `git_files`
 * generator also gives each file's keys, so its placeholders are checked when it runs); a set
 * whose generator needs no git (lists) is rendered now, so its apps fail the load like app blocks.
 */
export function buildAppSets(data: ConfigFile, ctx: AppContext, apps: AppSpec[]): AppSetConfig[] {
  const taken = new Set(apps.map((a) => a.name));
  return Object.entries(data.app_set).map(([name, block]) => {
    if (block.project !== undefined && block.project !== 'default' && !ctx.projects.has(block.project)) {
      const message = `no project block named "${block.project}"`;
      throw configError(ctx.at(['app_set', name, 'project']), `app_set.${name}.project`, message, ctx.file);
    }
    const generator = buildGenerator(ctx, block, ['app_set', name]);
    const known = knownKeys(generator);
    if (known) {
      for (const { key, path } of placeholdersIn(block.template))
        if (!known.has(key)) throw unknownPlaceholder(ctx, name, key, path, [...known]);
    }
    const set: AppSetConfig = {
      name,
      generator,
      project: block.project === undefined ? ctx.projects.get('default') : ctx.projects.get(block.project),
      pruneOnDelete: block.sync.prune_on_delete,
      render: (params) => renderTemplate(ctx, name, block, params),
    };
    const fixed = staticParams(generator, ctx.file);
    for (const params of fixed ?? []) claimName(ctx, name, set.render(params).name, taken);
    return set;
  });
}

function claimName(ctx: AppContext, set: string, app: string, taken: Set<string>): void {
  if (taken.has(app)) {
    const message = `renders app "${app}" twice, or an app another block already defines; make template.name unique`;
    throw configError(ctx.at(['app_set', set, 'template', 'name']), `app_set.${set}.template.name`, message, ctx.file);
  }
  taken.add(app);
}

function renderTemplate(ctx: AppContext, set: string, block: AppSetFile, params: Params): AppSpec {
  const known = Object.keys(params);
  const template = substitute(block.template, params, ({ key, path }) => {
    throw unknownPlaceholder(ctx, set, key, path, known);
  });
  const prefix = ['app_set', set, 'template'];
  if (!APP_NAME.test(template.name)) {
    const message = `"${template.name}" is not an app name: 1-63 letters, digits, "_", "." or "-", starting with a letter or digit`;
    throw configError(ctx.at([...prefix, 'name']), `${prefix.join('.')}.name`, message, ctx.file);
  }
  const { name, ...app } = template;
  return { ...buildApp(ctx, name, app, prefix, block.project), appSet: set };
}

function unknownPlaceholder(ctx: AppContext, set: string, key: string, path: string[], known: string[]) {
  const where = ['app_set', set, 'template', ...path];
  const given = known.length > 0 ? known.sort().join(', ') : 'none';
  return configError(
    ctx.at(where),
    where.join('.'),
    `unknown placeholder "\${${key}}"; the generator gives: ${given}`,
    ctx.file,
  );
}

type Kind = GeneratorConfig['kind'];

function buildGenerator(ctx: AppContext, block: AppSetFile, where: string[]): GeneratorConfig {
  const [only] = generatorsIn(block, where);
  return toGenerator(ctx, only!.kind, only!.value, only!.where);
}

function generatorsIn(block: MatrixFile | AppSetFile, where: string[]) {
  const found: Array<{ kind: Kind; value: unknown; where: string[] }> = [];
  for (const kind of ['git_directories', 'git_files', 'list', 'matrix'] as const) {
    const value: unknown = block[kind];
    if (Array.isArray(value))
      value.forEach((v, i) => found.push({ kind, value: v, where: [...where, kind, String(i)] }));
    else if (value) found.push({ kind, value, where: [...where, kind] });
  }
  return found;
}

function toGenerator(ctx: AppContext, kind: Kind, value: unknown, where: string[]): GeneratorConfig {
  const at = ctx.at(where);
  if (kind === 'list') {
    const elements = (value as { elements: Array<Record<string, unknown>> }).elements;
    return { kind, elements: elements.map((e) => flattenParams(e)), at };
  }
  if (kind === 'matrix') {
    const parts = generatorsIn(value as MatrixFile, where).map((g) => toGenerator(ctx, g.kind, g.value, g.where));
    return { kind, generators: [parts[0]!, parts[1]!], at };
  }
  const git = value as { repository?: string; url?: string; revision: string; paths: string[]; exclude?: string[] };
  const repo = git.repository === undefined ? undefined : ctx.repositories.get(git.repository);
  if (git.repository !== undefined && !repo)
    throw configError(
      ctx.at([...where, 'repository']),
      `${where.join('.')}.repository`,
      `no repository block named "${git.repository}"`,
      ctx.file,
    );
  if (git.url) checkURLHasNoSecret(git.url, `${where.join('.')}.url`, ctx.file);
  for (const glob of [...git.paths, ...(git.exclude ?? [])]) {
    if (glob.startsWith('/') || glob.split('/').includes('..'))
      throw configError(
        ctx.at([...where, 'paths']),
        `${where.join('.')}.paths`,
        `"${glob}" must be relative to the repository's root, without ".."`,
        ctx.file,
      );
  }
  const source = {
    repoURL: repo?.url ?? resolveRepoURL(git.url!, ctx.baseDir),
    revision: git.revision,
    paths: git.paths,
  };
  return kind === 'git_directories'
    ? { kind, ...source, exclude: git.exclude ?? [], at }
    : { kind: 'git_files', ...source, at };
}

/** The parameter keys a generator gives, or undefined when they depend on what git holds (git_files). */
function knownKeys(generator: GeneratorConfig): Set<string> | undefined {
  switch (generator.kind) {
    case 'git_directories':
      return new Set(GIT_DIRECTORY_KEYS);
    case 'git_files':
      return undefined;
    case 'list':
      return new Set(generator.elements.flatMap((e) => Object.keys(e)));
    case 'matrix': {
      const [a, b] = generator.generators.map(knownKeys);
      return a && b ? new Set([...a, ...b]) : undefined;
    }
  }
}

/** The parameter sets of a generator that reads no git (lists, and matrices of lists). */
function staticParams(generator: GeneratorConfig, file: string): Params[] | undefined {
  if (generator.kind === 'list') return generator.elements;
  if (generator.kind !== 'matrix') return undefined;
  const [a, b] = generator.generators.map((g) => staticParams(g, file));
  if (!a || !b) return undefined;
  try {
    return combineParams(a, b);
  } catch (error) {
    throw configError(generator.at, 'matrix', (error as Error).message, file);
  }
}
