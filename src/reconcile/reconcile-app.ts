import type { Logger } from 'pino';
import type { AppSpec, AppStatus, Condition } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import type { MirrorSet } from '../git/mirror.js';
import type { NomadClient } from '../nomad/index.js';
import { posix } from 'node:path';
import { renderApp } from '../render/app-render.js';
import { formatIssue } from '../render/errors.js';
import type { DB } from '../store/db.js';
import { getAppStatus, saveAppStatus } from '../store/app-status.js';
import { insertSyncRun, type SyncRun } from '../store/sync-runs.js';
import { compare, type ComparisonResult } from './compare.js';
import { observeLive } from './observe.js';
import { applyComparison, pruneBlocked, withOwner } from './sync.js';

export type ReconcileDeps = {
  mirrors: MirrorSet;
  nomadFor(cluster: string): NomadClient;
  db: DB;
  logger: Logger;
  now?: () => Date;
};

export type Trigger = 'startup' | 'poll' | 'refresh' | 'sync' | 'webhook';

/**
 * One reconcile of one app: fetch, snapshot, render, observe, compare and, when the policy
 * says so, sync. Any failure before compare leaves the app Unknown and touches nothing.
 */
export async function reconcileApp(deps: ReconcileDeps, app: AppSpec, trigger: Trigger): Promise<AppStatus> {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ app: app.name });
  const previous = getAppStatus(deps.db, app.name);
  const nomad = deps.nomadFor(app.destination.cluster);

  let snapshot: Snapshot;
  let comparison: ComparisonResult;
  let desired;
  try {
    const mirror = deps.mirrors.get(app.source.repoURL);
    await mirror.fetch();
    const sha = await mirror.resolve(app.source.revision);
    snapshot = await mirror.snapshot(sha, app.source.path);
    const rendered = await renderApp({ mode: app.render ?? 'local', snapshot, path: app.source.path, transport: nomad.http, options: { defaultNamespace: app.destination.namespace, vars: app.vars, varFiles: app.varFiles?.map((f) => posix.join(app.source.path, f)) } });
    if (rendered.issues.length > 0) {
      return fail(deps, app, previous, now, 'ComparisonError', `rendering failed at ${sha.slice(0, 12)}:\n${rendered.issues.map(formatIssue).join('\n')}`);
    }
    desired = rendered.jobs.map((job) => withOwner(app.name, job));
    const live = await observeLive(nomad, app.name, [app.destination.namespace, ...desired.map((j) => j.namespace)], new Set(desired.map((j) => `${j.namespace}/${j.id}`)));
    comparison = compare(app.name, desired, live);
  } catch (error) {
    return fail(deps, app, previous, now, 'ComparisonError', (error as Error).message);
  }

  const revision = snapshot.revision;
  // Automated sync acts once per new revision; self-heal also acts on drift at the same revision.
  const gitChanged = previous?.lastSync?.revision !== revision;
  const shouldSync = comparison.status === 'OutOfSync' && (trigger === 'sync' || (app.syncPolicy.automated && (gitChanged || app.syncPolicy.selfHeal)));
  if (!shouldSync) {
    const status = toStatus(app, comparison, comparison.status === 'Synced' ? revision : previous?.sync.revision, previous, now);
    saveAppStatus(deps.db, app.name, status);
    log.debug({ revision, sync: status.sync.status }, 'refreshed');
    return status;
  }

  const startedAt = now().toISOString();
  log.info({ revision, trigger }, 'syncing');
  const outcome = await applyComparison(nomad, app, comparison);
  const run: SyncRun = {
    app: app.name,
    trigger,
    revision,
    author: snapshot.commit.author,
    subject: snapshot.commit.subject,
    commitDate: snapshot.commit.date,
    startedAt,
    finishedAt: now().toISOString(),
    result: outcome.failed ? 'Failed' : 'Succeeded',
    message: outcome.failed ? outcome.actions.filter((a) => a.result === 'failed').map((a) => `${a.id}: ${a.message}`).join('; ') : undefined,
    jobs: outcome.actions,
  };
  insertSyncRun(deps.db, run);

  let after: ComparisonResult;
  try {
    const live = await observeLive(nomad, app.name, [app.destination.namespace, ...desired.map((j) => j.namespace)], new Set(desired.map((j) => `${j.namespace}/${j.id}`)));
    after = compare(app.name, desired, live);
  } catch (error) {
    return fail(deps, app, previous, now, 'ComparisonError', (error as Error).message);
  }
  const status = toStatus(app, after, after.status === 'Synced' ? revision : previous?.sync.revision, previous, now, {
    revision, startedAt: run.startedAt, finishedAt: run.finishedAt, result: run.result, message: run.message,
  });
  if (outcome.failed) status.conditions.push({ type: 'SyncError', message: run.message ?? 'sync failed' });
  saveAppStatus(deps.db, app.name, status);
  log.info({ revision, result: run.result, actions: outcome.actions.filter((a) => a.action !== 'unchanged').length }, 'synced');
  return status;
}

function toStatus(app: AppSpec, comparison: ComparisonResult, revision: string | undefined, previous: AppStatus | undefined, now: () => Date, lastSync = previous?.lastSync): AppStatus {
  const blocked = pruneBlocked(app, comparison);
  return {
    sync: { status: comparison.status, revision },
    jobs: comparison.jobs.map(({ id, namespace, file, status }) => ({ id, namespace, file, status })),
    conditions: [...comparison.conditions, ...(blocked ? [{ type: 'PruneSkipped', message: blocked }] : [])],
    lastSync,
    observedAt: now().toISOString(),
  };
}

function fail(deps: ReconcileDeps, app: AppSpec, previous: AppStatus | undefined, now: () => Date, type: string, message: string): AppStatus {
  const conditions: Condition[] = [{ type, message }];
  const status: AppStatus = {
    sync: { status: 'Unknown', revision: previous?.sync.revision },
    jobs: previous?.jobs ?? [],
    conditions,
    lastSync: previous?.lastSync,
    observedAt: now().toISOString(),
  };
  saveAppStatus(deps.db, app.name, status);
  deps.logger.warn({ app: app.name, err: message }, 'reconcile failed; nothing was changed');
  return status;
}
