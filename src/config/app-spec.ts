import { resolve } from 'node:path';
import type { AppSpec, ProjectSpec } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import { durationMs } from '../domain/duration.js';
import type { ClusterConfig, RepositoryConfig } from './config.js';
import { checkSignedCommits, checkURLHasNoSecret } from './repository.js';
import type { AppFile } from './schema.js';

/** `file:line:col` of a field, from its path in the file's object form. */
export type Where = (path: PropertyKey[]) => string;

/** What turning an app block (or a rendered template) into an AppSpec needs from the rest of the config. */
export type AppContext = {
  file: string;
  baseDir: string;
  at: Where;
  repositories: Map<string, RepositoryConfig>;
  clusters: Map<string, ClusterConfig>;
  projects: Map<string, ProjectSpec>;
  historyLimit: number;
};

export function configError(at: string, field: string, message: string, file: string): DroverError {
  return new DroverError('DROVER_ERR_CONFIG', `${at}: ${field}: ${message}`, { file });
}

/**
 * Checks one app and builds its spec. `prefix` is where its fields are written (`app.web`, or
 * `app_set.teams.template`), so every error names the file, line and field.
 */
export function buildApp(
  ctx: AppContext,
  name: string,
  app: Omit<AppFile, 'project'>,
  prefix: string[],
  project: string | undefined,
): AppSpec {
  const { file, at } = ctx;
  const field = (key: string) => [...prefix, key].join('.');
  const repo = app.repository === undefined ? undefined : ctx.repositories.get(app.repository);
  if (app.repository !== undefined && !repo)
    throw configError(
      at([...prefix, 'repository']),
      field('repository'),
      `no repository block named "${app.repository}"`,
      file,
    );
  if (app.require_signed_commits) checkSignedCommits(name, repo, file);
  if (app.url) checkURLHasNoSecret(app.url, field('url'), file);
  if (!ctx.clusters.has(app.cluster)) {
    const message =
      app.cluster === 'default'
        ? 'no cluster: add a cluster "default" block with an address, set NOMAD_ADDR, or name a cluster'
        : `no cluster block named "${app.cluster}"`;
    throw configError(at([...prefix, 'cluster']), field('cluster'), message, file);
  }
  const rules = projectFor(ctx, project, prefix);
  return {
    name,
    ...(rules ? { project: rules } : {}),
    source: {
      repoURL: repo?.url ?? resolveRepoURL(app.url!, ctx.baseDir),
      revision: app.revision,
      path: checkAppPath(app.path, at([...prefix, 'path']), field('path'), file),
      ...(app.require_signed_commits ? { requireSignedCommits: true } : {}),
    },
    destination: { cluster: app.cluster, namespace: app.namespace, ...(app.region ? { region: app.region } : {}) },
    syncPolicy: syncPolicy(app.sync),
    ignoreDifferences: app.ignore_differences.map((rule) => ({
      ...(rule.job ? { job: rule.job } : {}),
      paths: rule.paths,
    })),
    historyLimit: app.history_limit ?? ctx.historyLimit,
    render: app.render,
    vars: app.vars,
    varFiles: app.var_files,
    ...(app.include.length > 0 ? { include: app.include } : {}),
    ...(app.exclude.length > 0 ? { exclude: app.exclude } : {}),
    ...(app.depends_on.length > 0 ? { dependsOn: app.depends_on } : {}),
    ...(Object.keys(app.waves).length > 0 ? { waves: app.waves } : {}),
  };
}

/** The named project's rules; without a name, a written `default` project, else none (everything allowed). */
function projectFor(ctx: AppContext, name: string | undefined, prefix: string[]): ProjectSpec | undefined {
  if (name === undefined) return ctx.projects.get('default');
  const project = ctx.projects.get(name);
  if (project || name === 'default') return project;
  const where = prefix[0] === 'app_set' ? [prefix[0], prefix[1]!, 'project'] : [...prefix, 'project'];
  throw configError(ctx.at(where), where.join('.'), `no project block named "${name}"`, ctx.file);
}

function syncPolicy(sync: AppFile['sync']): AppSpec['syncPolicy'] {
  return {
    automated: sync.automated,
    prune: sync.prune,
    selfHeal: sync.self_heal,
    allowEmpty: sync.allow_empty,
    adopt: sync.adopt,
    purge: sync.purge,
    maxPrune:
      typeof sync.max_prune === 'number' ? { count: sync.max_prune } : { percent: Number(sync.max_prune.slice(0, -1)) },
    allowMassPrune: sync.allow_mass_prune,
    retry: {
      limit: sync.retry.limit,
      backoffMs: durationMs(sync.retry.backoff),
      factor: sync.retry.factor,
      maxBackoffMs: durationMs(sync.retry.max_backoff),
    },
  };
}

/** Local paths are made absolute against the config file; URLs are kept as written. */
export function resolveRepoURL(url: string, baseDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^/:]+:/.test(url)) return url;
  return resolve(baseDir, url);
}

/** An app path is a folder inside the repository: relative, with no `..`; `./x/` is written `x`. */
function checkAppPath(path: string, at: string, field: string, file: string): string {
  if (path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path))
    throw configError(at, field, `"${path}" is absolute; write the folder relative to the repository's root`, file);
  if (path.split(/[\\/]/).includes('..'))
    throw configError(at, field, `"${path}" contains ".."; an app path must stay inside the repository`, file);
  if (path.includes('\0')) throw configError(at, field, 'contains a NUL character', file);
  const trimmed = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '.' : trimmed;
}
