import type { Logger } from 'pino';
import { generateApps, type GitSource } from '../appsets/generate.js';
import type { AppSetConfig } from '../config/config.js';
import type { AppSpec } from '../domain/app.js';
import { normalizeRepoURL } from '../git/url.js';
import type { GitMirror } from '../git/mirror.js';
import type { ReconcileOutcome, ReconcileRequest } from './reconcile-app.js';

/** What the runner needs of the controller: the registry of apps, and reconciles. */
export type AppRegistry = {
  spec(name: string): AppSpec | undefined;
  add(spec: AppSpec): void;
  update(spec: AppSpec): void;
  remove(name: string, options: { prune: boolean }): Promise<void>;
  trigger(name: string, request: ReconcileRequest): Promise<ReconcileOutcome>;
};

export type AppSetRunnerOptions = {
  sets: readonly AppSetConfig[];
  mirrors: GitSource;
  registry: AppRegistry;
  logger: Logger;
  /**
   * Whether this instance reconciles (the leader, or no HA). A follower keeps its registry in step
   * so its API lists generated apps too, but never reconciles or prunes: the leader does.
   */
  reconciles?: () => boolean;
};

/** What one set last generated, for the API and the log. */
export type AppSetState = {
  name: string;
  apps: string[];
  /** Repository URL to the commit the set was generated from. */
  commits: Record<string, string>;
  /** The last run's failure: the set kept its previous apps. */
  error?: string;
};

/**
 * Keeps the apps app sets generate in the controller's registry: after each fetch of a
 * repository a set reads, the set runs again; new apps are added and reconciled at once, changed
 * ones updated, and apps gone from git removed (their jobs pruned only with `prune_on_delete`).
 * A run that fails (git, a bad file, a template error) changes nothing.
 */
export class AppSetRunner {
  private readonly states = new Map<string, AppSetState>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly options: AppSetRunnerOptions) {
    for (const set of options.sets) this.states.set(set.name, { name: set.name, apps: [], commits: {} });
  }

  /** The state of every set. */
  list(): AppSetState[] {
    return [...this.states.values()];
  }

  /** Runs every set that reads `url` (every set when omitted), fetching first when asked. */
  async refresh(url?: string, options: { fetch?: boolean } = {}): Promise<void> {
    const key = url === undefined ? undefined : normalizeRepoURL(url);
    const sets = this.options.sets.filter(
      (set) => key === undefined || gitSources(set.generator).some((s) => normalizeRepoURL(s.repoURL) === key),
    );
    await Promise.all(sets.map((set) => this.run(set, options.fetch ?? false)));
  }

  /** One run at a time per set: a run asked for meanwhile follows the one in flight. */
  private run(set: AppSetConfig, fetch: boolean): Promise<void> {
    const previous = this.running.get(set.name) ?? Promise.resolve();
    const next = previous.then(() => this.runOnce(set, fetch));
    this.running.set(set.name, next);
    return next.finally(() => {
      if (this.running.get(set.name) === next) this.running.delete(set.name);
    });
  }

  private async runOnce(set: AppSetConfig, fetch: boolean): Promise<void> {
    const state = this.states.get(set.name)!;
    const log = this.options.logger.child({ appSet: set.name });
    let apps: AppSpec[];
    try {
      if (fetch) await Promise.all(gitSources(set.generator).map((s) => this.mirror(s.repoURL).fetch()));
      const generated = await generateApps(set, this.options.mirrors);
      apps = generated.apps;
      state.commits = Object.fromEntries(generated.commits);
    } catch (error) {
      state.error = (error as Error).message;
      log.warn({ err: state.error }, 'app set failed; it keeps its previous apps');
      return;
    }
    const clashes = apps.filter((app) => {
      const known = this.options.registry.spec(app.name);
      return known !== undefined && known.appSet !== set.name;
    });
    state.error =
      clashes.length > 0
        ? `app set "${set.name}" generates ${clashes.map((a) => `"${a.name}"`).join(', ')}, ` +
          'which another app or set already defines; those are left out'
        : undefined;
    if (state.error) log.warn({ err: state.error }, 'app name collision');
    this.apply(
      set,
      state,
      apps.filter((app) => !clashes.includes(app)),
    );
  }

  /** Adds, updates and removes apps so the registry holds exactly what the set generated. */
  private apply(set: AppSetConfig, state: AppSetState, apps: AppSpec[]): void {
    const { registry, logger } = this.options;
    const now = new Set(apps.map((a) => a.name));
    for (const app of apps) {
      const known = registry.spec(app.name);
      if (known && JSON.stringify(known) === JSON.stringify(app)) continue;
      if (known && known.appSet === set.name && !state.apps.includes(app.name)) registry.add(app);
      else if (known) registry.update(app);
      else registry.add(app);
      logger.info({ app: app.name, appSet: set.name }, known ? 'generated app changed' : 'generated app added');
      if (this.reconciles()) void registry.trigger(app.name, { trigger: 'poll' }).catch(() => undefined);
    }
    for (const name of state.apps) {
      if (now.has(name)) continue;
      logger.info({ app: name, appSet: set.name, prune: set.pruneOnDelete }, 'generated app removed');
      void registry.remove(name, { prune: set.pruneOnDelete && this.reconciles() });
    }
    state.apps = [...now].sort();
  }

  private reconciles(): boolean {
    return this.options.reconciles?.() ?? true;
  }

  private mirror(url: string): GitMirror {
    return this.options.mirrors.get(url);
  }
}

/** The (repository, revision) pairs a generator reads, shaped as apps so mirrors follow and the poller polls them. */
export function appSetSources(
  generator: AppSetConfig['generator'],
): Array<{ source: { repoURL: string; revision: string } }> {
  return gitSources(generator).map((source) => ({ source }));
}

/** The git sources a generator reads. */
function gitSources(generator: AppSetConfig['generator']): Array<{ repoURL: string; revision: string }> {
  if (generator.kind === 'matrix') return generator.generators.flatMap(gitSources);
  if (generator.kind === 'list') return [];
  return [{ repoURL: generator.repoURL, revision: generator.revision }];
}

/**
 * On an HA follower: runs the app sets now and at the fastest poll interval of the repositories,
 * so the follower's API lists the apps the leader reconciles. Stopped when it leads or stops.
 */
export function followAppSets(
  enabled: boolean,
  polls: ReadonlyArray<{ intervalMs: number }>,
  run: () => void,
): { stop(): void } {
  if (!enabled) return { stop: () => undefined };
  const intervalMs = Math.min(...polls.map((p) => p.intervalMs), 60_000);
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
