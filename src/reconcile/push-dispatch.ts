import type { Logger } from 'pino';
import type { AppSpec, AppStatus } from '../domain/app.js';
import type { MirrorSet } from '../git/mirror.js';
import { normalizeRepoURL } from '../git/url.js';
import type { ReconcileOutcome, ReconcileRequest } from './reconcile-app.js';

/** Untouched apps moved to the new revision between two turns of the event loop. */
const ADVANCE_SLICE = 50;

export type PushDispatchDeps = {
  mirrors: MirrorSet;
  spec(name: string): AppSpec | undefined;
  status(name: string): Promise<AppStatus | undefined>;
  trigger(name: string, request: ReconcileRequest): Promise<ReconcileOutcome>;
  /** Moves an app's status to a revision that left its files untouched; false when it could not. */
  advance(name: string, from: string, to: string): Promise<boolean>;
  logger: Logger;
};

/**
 * Turns a push webhook's list of apps (or a poll that saw a repository move) into reconciles:
 * each repository is fetched once and only the apps whose directory changed are reconciled.
 * The others (same tree at both commits, so the same jobs) just record the new revision, as
 * Argo CD's manifest-generate-paths does: on a monorepo with many apps a push costs one app's
 * reconcile, not all of them.
 */
export class PushDispatch {
  private pending = new Set<string>();
  private scheduled = false;

  constructor(private readonly deps: PushDispatchDeps) {}

  /** Queues an app; the apps named in one tick (one webhook) are dispatched together. */
  add(app: string): void {
    this.pending.add(app);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      const apps = [...this.pending];
      this.pending = new Set();
      this.scheduled = false;
      void this.dispatch(apps).catch((error: unknown) =>
        this.deps.logger.warn({ err: (error as Error).message }, 'webhook dispatch failed'),
      );
    });
  }

  private async dispatch(apps: string[]): Promise<void> {
    const byRepo = new Map<string, AppSpec[]>();
    for (const name of apps) {
      const spec = this.deps.spec(name);
      if (!spec) continue;
      const key = normalizeRepoURL(spec.source.repoURL);
      byRepo.set(key, [...(byRepo.get(key) ?? []), spec]);
    }
    await Promise.all([...byRepo.values()].map((specs) => this.dispatchRepo(specs)));
  }

  /** After the poller fetched a repository and saw it move: the same ordering, trigger `poll`. */
  async polled(specs: AppSpec[]): Promise<void> {
    if (specs.length > 0) await this.dispatchRepo(specs, 'poll', true);
  }

  private async dispatchRepo(
    specs: AppSpec[],
    trigger: 'webhook' | 'poll' = 'webhook',
    alreadyFetched = false,
  ): Promise<void> {
    const mirror = this.deps.mirrors.get(specs[0]!.source.repoURL);
    const fetched =
      alreadyFetched ||
      (await mirror.fetch().then(
        () => true,
        () => false,
      ));
    const request: ReconcileRequest = { trigger, fetch: !fetched };
    if (!fetched) {
      // Let each reconcile report the git failure in its own status.
      await Promise.all(specs.map((spec) => this.deps.trigger(spec.name, request).catch(() => undefined)));
      return;
    }
    const moves = await Promise.all(specs.map(async (spec) => ({ spec, move: await this.untouched(spec) })));
    const reconcile = (spec: AppSpec) => this.deps.trigger(spec.name, request).catch(() => undefined);
    // The apps the push changed start first: recording the new revision on hundreds of untouched
    // apps (a store write and a published event each) must not delay the reconcile the push is
    // about. It is recorded in slices, so that reconcile's I/O is served in between.
    const changed = moves.filter((m) => !m.move).map((m) => m.spec);
    const running = changed.map(reconcile);
    let advanced = 0;
    for (let i = 0; i < moves.length; i += ADVANCE_SLICE) {
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(
        moves.slice(i, i + ADVANCE_SLICE).map(async ({ spec, move }) => {
          if (!move) return;
          // An app the push did not touch only records the new revision; its drift is the inventory's business.
          if (await this.deps.advance(spec.name, move.from, move.to)) advanced++;
          else {
            running.push(reconcile(spec));
            changed.push(spec);
          }
        }),
      );
    }
    await Promise.all(running);
    this.deps.logger.debug({ reconciled: changed.map((s) => s.name), advanced }, 'git change dispatched');
  }

  /**
   * The move from the revision the app last saw to the one git points at now, when the app's
   * directory has the same tree at both (so nothing about the app changed); else undefined.
   */
  private async untouched(spec: AppSpec): Promise<{ from: string; to: string } | undefined> {
    const status = await this.deps.status(spec.name).catch(() => undefined);
    const from = status?.sync.targetRevision;
    // Pinned apps, and apps whose last reconcile failed, are always reconciled.
    if (!from || status.pin || status.sync.status === 'Unknown') return undefined;
    try {
      const mirror = this.deps.mirrors.get(spec.source.repoURL);
      const to = await mirror.resolve(spec.source.revision);
      if (to === from) return undefined;
      const [a, b] = await Promise.all([mirror.treeOf(from, spec.source.path), mirror.treeOf(to, spec.source.path)]);
      return a !== undefined && a === b ? { from, to } : undefined;
    } catch {
      return undefined;
    }
  }
}
