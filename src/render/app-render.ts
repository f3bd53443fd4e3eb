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
 * change, so entries never go stale; the oldest entries leave first once `maxEntries` or
 * `maxChars` is reached. Entries are kept as JSON text: a copy per hit either way (a caller
 * changing its jobs cannot change the cache), and text is a third of the objects' size and
 * nothing for the GC to trace, so every app of a large install fits. With 256 entries, a full
 * resync of 1,000 apps missed on every app (LRU in a cycle) and re-rendered 10,000 files.
 */
export class RenderCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 8192,
    private readonly maxChars = 48 * 2 ** 20,
  ) {}

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

  /** A fresh copy; a hit becomes the newest entry. */
  get(key: string): AppRenderResult | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return JSON.parse(hit) as AppRenderResult;
  }

  set(key: string, value: AppRenderResult): void {
    this.remove(key);
    const text = JSON.stringify(value);
    this.entries.set(key, text);
    this.chars += text.length;
    while (this.entries.size > this.maxEntries || (this.chars > this.maxChars && this.entries.size > 1))
      this.remove(this.entries.keys().next().value!);
  }

  private remove(key: string): void {
    const text = this.entries.get(key);
    if (text === undefined) return;
    this.entries.delete(key);
    this.chars -= text.length;
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
