import type { AppSpec, AppStatus, AppView } from '../domain/app.js';
import { appProject, unknownStatus } from '../domain/app.js';
import { redactURL } from '../git/url.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-app.js';

export type { AppView };

export function toAppView(spec: AppSpec, status: AppStatus | undefined): AppView {
  return {
    name: spec.name,
    project: appProject(spec),
    ...(spec.appSet ? { appSet: spec.appSet } : {}),
    source: { ...spec.source, repoURL: redactURL(spec.source.repoURL) },
    destination: { ...spec.destination },
    syncPolicy: { ...spec.syncPolicy },
    ignoreDifferences: spec.ignoreDifferences,
    status: status ?? unknownStatus(),
  };
}

/**
 * An app's view as JSON text, cached per status object: a status changes only when a reconcile
 * replaces it, so listing 1,000 apps joins cached strings instead of building and serializing
 * every view on every request.
 */
export function appViewJSON(spec: AppSpec, status: AppStatus | undefined): string {
  if (!status) return JSON.stringify(toAppView(spec, status));
  const cached = views.get(status);
  if (cached?.spec === spec) return cached.json;
  const json = JSON.stringify(toAppView(spec, status));
  views.set(status, { spec, json });
  return json;
}

const views = new WeakMap<AppStatus, { spec: AppSpec; json: string }>();

/** The per-job field differences of a reconcile, for GET /diff and dry-runs. */
export function toDiffView(outcome: ReconcileOutcome) {
  return {
    revision: outcome.status.sync.targetRevision,
    status: outcome.status.sync.status,
    conditions: outcome.status.conditions,
    jobs: (outcome.comparison?.jobs ?? []).map((job) => ({
      id: job.id,
      namespace: job.namespace,
      ...(job.file ? { file: job.file } : {}),
      status: job.status,
      ownership: job.ownership,
      diff: job.diff,
    })),
    ...(outcome.actions ? { actions: outcome.actions } : {}),
  };
}

/**
 * The encoded `{"apps": [...]}` answer for a list of per-app JSON texts, reused while every text
 * is the same string as last time (no status changed), so a quiet 1,000-app list costs one
 * comparison per app instead of joining and encoding a megabyte.
 */
export function appListBody(parts: readonly string[]): Uint8Array<ArrayBuffer> {
  const last = lastList;
  if (last && last.parts.length === parts.length && last.parts.every((part, i) => part === parts[i])) return last.body;
  const body = new TextEncoder().encode(`{"apps":[${parts.join(',')}]}`);
  lastList = { parts, body };
  return body;
}

let lastList: { parts: readonly string[]; body: Uint8Array<ArrayBuffer> } | undefined;
