import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { DroverError } from './domain/errors.js';
import type { Config } from './config/config.js';
import { combineTelemetry, type Telemetry } from './domain/telemetry.js';
import { MirrorSet } from './git/mirror.js';
import { RepoPoller } from './git/poller.js';
import { planSources } from './git/sources.js';
import { normalizeRepoURL, redactURL } from './git/url.js';
import { systemClock, type Clock } from './domain/clock.js';
import { appsToWake } from './reconcile/drift-events.js';
import { Controller } from './reconcile/controller.js';
import { AppSetRunner, appSetSources, followAppSets } from './reconcile/app-sets.js';
import { StatusRelay } from './reconcile/status-relay.js';
import type { AppSpec } from './domain/app.js';
import type { ReconcileDeps } from './reconcile/reconcile-app.js';
import { HealthTracker } from './reconcile/health-step.js';
import { JobInventory } from './reconcile/inventory.js';
import { PushDispatch } from './reconcile/push-dispatch.js';
import { isLoopbackHost } from './config/load.js';
import { lockDataDir } from './store/lock.js';
import type { Store } from './store/store.js';
import { createApi, type ApiDeps } from './server/api.js';
import type { LeadershipView } from './server/leader-guard.js';
import type { AuthOptions } from './server/auth/authenticate.js';
import { OidcLogin } from './server/auth/oidc.js';
import { OriginGuard } from './server/auth/origin.js';
import { scrapeGuard } from './server/auth/scrape-guard.js';
import { EventHub } from './server/events.js';
import { listen } from './server/listen.js';
import { storeFailedApi, type ReadinessCheck } from './server/readiness.js';
import { Metrics } from './server/metrics.js';
import { Reachability } from './server/reachability.js';
import { clustersCheck, configCheck } from './server/readiness.js';
import { Leadership } from './main/leadership.js';
import { nomadClients } from './main/nomad.js';
import { openConfiguredStore, storeReadinessCheck, type OpenedStore } from './main/store.js';

export type RunningDrover = {
  url: string;
  /** Absent when the database failed its check at start: Drover then only answers that it is not ready. */
  controller?: Controller;
  /** Resolves once every app set has run (and added its apps) after this instance started leading. */
  appSetsReady?: Promise<void>;
  /** With HA on: resolves (with the reason) if this instance loses leadership; its writes have already stopped. */
  lost?: Promise<string>;
  stop(): Promise<void>;
};

/** Builds a logger; secrets are redacted by path so a stray object cannot leak them. */
export function createLogger(level = process.env.DROVER_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['token', '*.token', 'secret', '*.secret', 'headers.authorization', 'headers["x-nomad-token"]'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 2, sync: false }),
  );
}

/** Tokens, sessions and the Host/Origin guard. */
function authOptions(config: Config, store: Store, logger: Logger): AuthOptions {
  if (config.auth.disabled) {
    logger.warn({ listen: config.listen }, 'auth is disabled: anyone who can reach this port is an admin');
  }
  return {
    config: config.auth,
    store,
    guard: new OriginGuard(config.listen.host, config.externalURL),
    // Session cookies are Secure when Drover serves TLS itself or sits behind an https:// external_url.
    sessions: {
      ttlMs: config.auth.sessionTtlMs,
      secure: config.tls !== undefined || (config.externalURL?.startsWith('https://') ?? false),
    },
    logger,
  };
}

export type StartOptions = {
  /** How often the database file is checked while running; default one minute. */
  storeCheckIntervalMs?: number;
  /** Hard deadlines of the reconcile steps, in ms (defaults in reconcile-app.ts). */
  deadlines?: ReconcileDeps['deadlines'];
  /** The clock sync windows are read on and their wakes set with (tests move it instead of sleeping). */
  clock?: Clock;
};

/** The composition root: the only place that constructs Drover's services. */
export async function startDrover(
  config: Config,
  logger: Logger = createLogger(),
  options: StartOptions = {},
): Promise<RunningDrover> {
  // However it was turned off (config or --insecure-no-auth), no auth means loopback only.
  if (config.auth.disabled && !isLoopbackHost(config.listen.host)) {
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `auth can be disabled only on a loopback listener, not on "${config.listen.host}"`,
    );
  }
  // One process per data dir: the lock is taken before anything in it is read or written. With the
  // shared PostgreSQL store, instances share state by design and each runs from its own node's data dir.
  const lock = config.store.kind === 'sqlite' ? lockDataDir(config.dataDir) : { release: () => undefined };
  try {
    return await startLocked(config, logger, options, lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(
  config: Config,
  logger: Logger,
  options: StartOptions,
  unlock: () => void,
): Promise<RunningDrover> {
  const opened = await openConfiguredStore(config, logger, options.storeCheckIntervalMs);
  if ('failed' in opened) return startStoreFailed(config, logger, opened.failed, unlock);
  // Metrics, reachability and live events: fed from below through plain interfaces, served by the API.
  const metrics = new Metrics(() => engine.controller.load());
  const reachability = new Reachability();
  const telemetry = combineTelemetry(metrics.telemetry, reachability.telemetry);
  const events = new EventHub();
  const nomad = nomadClients(config, telemetry);
  let setsRan!: () => void;
  const appSetsReady = new Promise<void>((resolve) => (setsRan = resolve));
  const leadership: Leadership = new Leadership({
    config,
    clients: nomad.clients,
    logger,
    onLead: () => {
      void engine.controller.start();
      engine.poller.start();
      void engine.appSets.refresh(undefined, { fetch: true }).finally(setsRan);
    },
  });
  const engine = buildEngine(config, logger, options, { ...opened, telemetry, events, nomad, leadership });
  const { controller } = engine;
  let stopping: Promise<void> | undefined;
  const auth = authOptions(config, opened.store, logger);
  let selfURL = '';
  const api = createApi(
    apiDeps(config, {
      opened,
      engine,
      nomad,
      auth,
      events,
      metrics,
      reachability,
      telemetry,
      logger,
      leadership: leadership.view(),
      selfURL: () => selfURL,
      // Only the leader runs app sets, as it alone reconciles.
      runsSets: () => leadership.leads() && !stopping,
    }),
  );
  const server = await serve(config, api, auth, logger);
  selfURL = config.ha.advertiseURL ?? server.url;
  // Only the leader reconciles, polls git and watches job lists; the API serves on every instance.
  if (config.ha.enabled) followerWork(config, opened.store, events, engine, leadership, logger);
  leadership.start(selfURL);
  logger.info({ url: server.url, apps: config.apps.length, ha: config.ha.enabled }, 'drover started');
  return {
    url: server.url,
    controller,
    appSetsReady,
    lost: leadership.lost,
    // Idempotent: a second call waits for the first. The lock is released last, once no write is in flight.
    stop: () =>
      (stopping ??= (async () => {
        leadership.stopFollowing();
        events.close();
        await server.close();
        engine.inventory.stop();
        await engine.poller.stop();
        await controller.stop();
        await leadership.release();
        opened.monitor?.stop();
        await opened.store.close();
        unlock();
      })()),
  };
}

type ApiParts = {
  opened: OpenedStore;
  engine: Engine;
  nomad: ReturnType<typeof nomadClients>;
  auth: AuthOptions;
  events: EventHub;
  metrics: Metrics;
  reachability: Reachability;
  telemetry: Telemetry;
  logger: Logger;
  leadership: LeadershipView | undefined;
  selfURL: () => string;
  runsSets: () => boolean;
};

/** Everything the HTTP API serves from. */
function apiDeps(config: Config, parts: ApiParts): ApiDeps {
  const { opened, engine, nomad, auth, events, metrics, reachability, telemetry, logger } = parts;
  const { controller, appSets } = engine;
  return {
    controller,
    store: opened.store,
    logger,
    webhooks: webhookDeps(config, engine, telemetry, logger, parts.runsSets),
    auth,
    oidc: config.auth.oidc
      ? new OidcLogin(config.auth.oidc, config.auth.roleBindings, {
          externalURL: config.externalURL,
          secure: auth.sessions.secure,
        })
      : undefined,
    nomadFor: nomad.nomadFor,
    storeHealth: opened.storeHealth,
    leadership: parts.leadership,
    selfURL: parts.selfURL,
    maxBodyBytes: config.maxBodyBytes,
    tls: !!config.tls,
    events,
    metrics: { metrics, guard: scrapeGuard(opened.store) },
    readiness: [storeReadinessCheck(opened), configCheck(() => true), clusterReadiness(nomad, reachability)],
    syncWindows: { windows: config.syncWindows, clock: engine.clock, apps: () => controller.specs() },
    sources: {
      clusters: config.clusters.values(),
      repositories: config.repositories.values(),
      apps: () => controller.specs(),
      reachability,
    },
    appSets: { sets: config.appSets, states: () => appSets.list() },
  };
}

/** Listens, tells the Host/Origin guard the port, and warns when tokens would cross the network in the clear. */
async function serve(config: Config, api: ReturnType<typeof createApi>, auth: AuthOptions, logger: Logger) {
  const server = await listen(api, config.listen.host, config.listen.port, config.tls);
  auth.guard.setPort(Number(new URL(server.url).port));
  if (!config.tls && !isLoopbackHost(config.listen.host)) {
    logger.warn(
      { listen: config.listen.host },
      'listening beyond loopback without TLS: tokens and sessions cross the network in the clear; set tls { cert_file, key_file }',
    );
  }
  return server;
}

type EngineParts = OpenedStore & {
  telemetry: Telemetry;
  events: EventHub;
  nomad: ReturnType<typeof nomadClients>;
  leadership: Leadership;
};

/** The reconcile engine: git sources, the job inventory, the controller, app sets, and what triggers them. */
function buildEngine(config: Config, logger: Logger, options: StartOptions, parts: EngineParts) {
  const { store, storeHealth, telemetry, events, nomad, leadership } = parts;
  const setSources = config.appSets.flatMap((set) => appSetSources(set.generator));
  const sources = planSources(config.repositories.values(), [...config.apps, ...setSources], config.refreshIntervalMs);
  const mirrors = new MirrorSet(join(config.dataDir, 'git'), sources.mirrors, telemetry);
  // A change seen in a namespace's job list (drift, a stop, a status change) reconciles the app that owns the job.
  const inventory = new JobInventory({
    nomadFor: nomad.nomadFor,
    source: (name) => (config.clusters.get(name)?.eventStream === false ? 'list' : 'events'),
    logger,
    onChange: (_cluster, _namespace, changed, gone) => {
      for (const app of appsToWake(changed, gone, (name) => controller.spec(name) !== undefined)) {
        void controller.trigger(app, { trigger: 'event' }).catch(() => undefined);
      }
    },
  });
  const clock = options.clock ?? systemClock;
  const controller: Controller = new Controller({
    writeGate: leadership.gate,
    apps: config.apps,
    mirrors,
    store,
    storeHealth,
    logger,
    nomadFor: nomad.nomadFor,
    deadlines: options.deadlines,
    inventory,
    events,
    telemetry,
    health: new HealthTracker(),
    ordering: {
      windows: config.syncWindows,
      clock,
      statusOf: (name) => controller.knownStatus(name),
      busy: (name) => controller.busy(name),
    },
    concurrency: config.reconcileConcurrency,
    // Git changes arrive through the poller and webhooks; the timer is the full resync (drift, missed hooks).
    intervalFor: () => config.refreshIntervalMs,
  });
  // Apps that app sets generate come and go with git: the sets run again after each fetch of a repository they read.
  // Followers keep generated apps in their registry (for the API and UI) but only the leader reconciles them.
  const appSets = new AppSetRunner({
    sets: config.appSets,
    mirrors,
    registry: controller,
    logger,
    reconciles: () => leadership.leads(),
  });
  // Git changes (webhook or poll): one fetch per repository; only the apps whose directory changed reconcile.
  const pushes = new PushDispatch({
    mirrors,
    spec: (name) => controller.spec(name),
    status: (name) => controller.status(name),
    trigger: (name, request) => controller.trigger(name, request),
    advance: (name, from, to) => controller.advance(name, from, to),
    logger,
  });
  const poller = gitPoller(sources.polls, mirrors, controller, appSets, pushes, logger);
  return { sources, mirrors, inventory, clock, controller, appSets, pushes, poller };
}

type Engine = ReturnType<typeof buildEngine>;

/** Polls each repository; a new commit runs the app sets that read it, then dispatches to the apps on it. */
function gitPoller(
  polls: ReturnType<typeof planSources>['polls'],
  mirrors: MirrorSet,
  controller: Controller,
  appSets: AppSetRunner,
  pushes: PushDispatch,
  logger: Logger,
): RepoPoller {
  return new RepoPoller({
    repos: polls,
    mirror: (url) => mirrors.get(url),
    onChange: (url) => {
      const onRepo = (specs: AppSpec[]) =>
        specs.filter((spec) => normalizeRepoURL(spec.source.repoURL) === normalizeRepoURL(url));
      // Apps the sets add now are reconciled as they are added; the others follow the usual dispatch.
      const before = onRepo(controller.specs());
      void appSets
        .refresh(url)
        .then(() => pushes.polled(before.filter((spec) => controller.spec(spec.name) !== undefined)));
    },
    onError: (url, error) => logger.debug({ repo: redactURL(url), err: (error as Error).message }, 'poll failed'),
  });
}

/** What the push webhooks need: the repositories and apps they may name, and what a delivery triggers. */
function webhookDeps(config: Config, engine: Engine, telemetry: Telemetry, logger: Logger, runsSets: () => boolean) {
  return {
    maxBodyBytes: config.webhookMaxBodyBytes,
    repositories: [...config.repositories.values()],
    apps: () => engine.controller.specs(),
    trigger: (name: string) => engine.pushes.add(name),
    pushed: (url: string) => void (runsSets() ? engine.appSets.refresh(url, { fetch: true }) : undefined),
    onDelivery: (provider: string, result: string) => telemetry.webhookDelivered(provider, result),
    logger,
  };
}

/** Clusters answered lately, else asked now (a cluster whose latest call got no answer is asked again). */
function clusterReadiness(nomad: ReturnType<typeof nomadClients>, reachability: Reachability): ReadinessCheck {
  return clustersCheck({
    names: [...nomad.clients.keys()],
    lastContact: (name) => (reachability.cluster(name).reachable ? reachability.cluster(name).lastContact : undefined),
    probe: async (name) => void (await nomad.nomadFor(name).system.leader({ signal: AbortSignal.timeout(2000) })),
  });
}

/**
 * While an HA instance follows: it keeps the generated apps in its registry (so its API lists them) and
 * relays the statuses the leader saves (so its event stream, and a UI on it, is live too).
 */
function followerWork(
  config: Config,
  store: Store,
  events: EventHub,
  engine: Engine,
  leadership: Leadership,
  logger: Logger,
): void {
  leadership.whileFollowing(
    followAppSets(config.appSets.length > 0, engine.sources.polls, () => {
      void engine.appSets.refresh(undefined, { fetch: true });
    }),
  );
  const relay = new StatusRelay({ store, events, intervalMs: 2000, logger });
  relay.start();
  leadership.whileFollowing(relay);
}

/** A database that fails its check at start: stay up, reconcile nothing, and say why on /readyz and in the log. */
async function startStoreFailed(
  config: Config,
  logger: Logger,
  error: DroverError,
  unlock: () => void,
): Promise<RunningDrover> {
  logger.error({ file: error.details.file }, `${error.message}; nothing is reconciled until then`);
  const server = await listen(storeFailedApi(error.message), config.listen.host, config.listen.port);
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        unlock();
      })()),
  };
}
