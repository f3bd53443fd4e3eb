import { createHash } from 'node:crypto';
import type { RenderMode } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import { DroverError } from '../domain/errors.js';
import { nomadVarEnv, renderSnapshot, type RenderOptions, type RenderResult } from './render.js';
import { ParseUnavailableError, renderSnapshotOnServer, type ParseTransport } from './server-parse.js';

export type AppRenderInput = {
  mode: RenderMode;
  snapshot: Snapshot;
  /** The app's path inside the repository (part of the cache key). */
  path: string;
  options: RenderOptions;
  /** How to reach the app's cluster; required for `server`, optional for `auto`. */
  transport?: ParseTransport;
};

export type AppRenderResult = RenderResult & { renderer: 'local' | 'server' };

/**
 * Rendered results by (renderer, revision, path, variables hash). A revision's files never
 * change, so entries never go stale; the oldest entries leave first once `max` is reached.
 */
export class RenderCache {
  private readonly entries = new Map<string, AppRenderResult>();

  constructor(private readonly max = 256) {}

  /** `revision`: the snapshot's tree ID when known (so a commit elsewhere in the repository still hits), else its commit. */
  static key(renderer: string, revision: string, path: string, options: RenderOptions): string {
    const vars = createHash('sha256')
      .update(
        JSON.stringify([
          options.defaultNamespace,
          options.vars ?? {},
          options.varFiles ?? [],
          nomadVarEnv(options.env),
          options.select?.include ?? [],
          options.select?.exclude ?? [],
        ]),
      )
      .digest('hex');
    return `${renderer}\0${revision}\0${path}\0${vars}`;
  }

  /** A copy, so a caller changing its jobs cannot change the cache. */
  get(key: string): AppRenderResult | undefined {
    const hit = this.entries.get(key);
    return hit && structuredClone(hit);
  }

  set(key: string, value: AppRenderResult): void {
    this.entries.delete(key);
    this.entries.set(key, structuredClone(value));
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

const shared = new RenderCache();

/**
 * Renders an app's snapshot with the renderer its config asks for: `local` (Drover's),
 * `server` (Nomad's /v1/jobs/parse; an unreachable Nomad is a transient error) or `auto`
 * (the server when it answers, else local). Results are cached for both renderers.
 */
export async function renderApp(input: AppRenderInput, cache: RenderCache = shared): Promise<AppRenderResult> {
  const { mode, snapshot, path, options, transport } = input;
  const useServer = mode !== 'local' && transport !== undefined;
  if (mode === 'server' && !transport)
    throw new DroverError('DROVER_ERR_RENDER', 'render = "server" needs a cluster to call /v1/jobs/parse');
  if (useServer) {
    const key = RenderCache.key('server', snapshot.treeId ?? snapshot.revision, path, options);
    const cached = cache.get(key);
    if (cached) return cached;
    try {
      const result: AppRenderResult = {
        ...(await renderSnapshotOnServer(snapshot, options, transport)),
        renderer: 'server',
      };
      cache.set(key, result);
      return result;
    } catch (error) {
      if (!(error instanceof ParseUnavailableError)) throw error;
      if (mode === 'server') throw new DroverError('DROVER_ERR_NOMAD', error.message, {}, { cause: error });
    }
  }
  const key = RenderCache.key('local', snapshot.treeId ?? snapshot.revision, path, options);
  const cached = cache.get(key);
  if (cached) return cached;
  const result: AppRenderResult = { ...renderSnapshot(snapshot, options), renderer: 'local' };
  cache.set(key, result);
  return result;
}
