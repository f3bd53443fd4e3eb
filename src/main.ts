import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { DroverError } from './domain/errors.js';
import type { Config } from './config/config.js';
import { combineTelemetry } from './domain/telemetry.js';
import { MirrorSet } from './git/mirror.js';
import { RepoPoller } from './git/poller.js';
import { planSources } from './git/sources.js';
import { normalizeRepoURL, redactURL } from './git/url.js';
import { NomadClient } from './nomad/index.js';
import { LeaderElector } from './ha/elector.js';
import type { WriteGate } from './domain/write-gate.js';
import { systemClock, type Clock } from './domain/clock.js';
import { fileToken } from './nomad/token.js';
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
import { StoreMonitor, type StoreHealthView } from './store/health.js';
import { lockDataDir } from './store/lock.js';
import { openStore, sqliteFile } from './store/open.js';
import { SharedStoreHealth } from './store/postgres/health.js';
import type { Store } from './store/store.js';
import { createApi } from './server/api.js';
import type { AuthOptions } from './server/auth/authenticate.js';
import { OidcLogin } from './server/auth/oidc.js';
import { OriginGuard } from './server/auth/origin.js';
import { scrapeGuard } from './server/auth/scrape-guard.js';
import { EventHub } from './server/events.js';
import { listen } from './server/listen.js';
import { storeFailedApi } from './server/readiness.js';
import { Metrics } from './server/metrics.js';
import { Reachability } from './server/reachability.js';
import { clustersCheck, configCheck, storeCheck } from './server/readiness.js';

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

/** How often the database file is checked while running (PRAGMA quick_check on a fresh connection). */
const STORE_CHECK_INTERVAL_MS = 60_000;

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
  let store: Store;
  try {
    store = await openStore({
      dataDir: config.dataDir,
      ...(config.store.kind === 'postgres' ? { postgresURLEnv: config.store.postgresURLEnv } : {}),
    });
  } catch (error) {
    if (error instanceof DroverError && error.code === 'DROVER_ERR_STORE')
      return startStoreFailed(config, logger, error, unlock);
    throw error;
  }
  if (config.ha.enabled && store.kind === 'sqlite')
    logger.warn(
      'ha is enabled on the SQLite store: each instance keeps its own history and tokens; set store.postgres_url_env',
    );
  // The SQLite file is watched for corruption; a shared server's failures are transient (retried).
  const monitor = store.kind === 'sqlite' ? sqliteMonitor(config, logger) : undefined;
  monitor?.start(options.storeCheckIntervalMs ?? STORE_CHECK_INTERVAL_MS);
  const storeHealth: StoreHealthView = monitor ?? new SharedStoreHealth();
  // Metrics, reachability and live events: fed from below through plain interfaces, served by the API.
  const metrics = new Metrics(() => controller.load());
  const reachability = new Reachability();
  const telemetry = combineTelemetry(metrics.telemetry, reachability.telemetry);
  const events = new EventHub();
  const setSources = config.appSets.flatMap((set) => appSetSources(set.generator));
  const sources = planSources(config.repositories.values(), [...config.apps, ...setSources], config.refreshIntervalMs);
  const mirrors = new MirrorSet(join(config.dataDir, 'git'), sources.mirrors, telemetry);
  const clients = new Map<string, NomadClient>();
  for (const cluster of config.clusters.values()) {
    clients.set(
      cluster.name,
      new NomadClient({
        address: cluster.address,
        token: cluster.tokenFile ? fileToken(cluster.tokenFile) : cluster.token,
        region: cluster.region,
        tls: cluster.tls,
        onRequest: (info) => telemetry.nomadRequest(cluster.name, info),
      }),
    );
  }
  const nomadFor = (name: string) => {
    const client = clients.get(name);
    if (!client) throw new Error(`no cluster named "${name}"`);
    return client;
  };
  // A change seen in a namespace's job list (drift, a stop, a status change) reconciles the app that owns the job.
  const inventory = new JobInventory({
    nomadFor,
    source: (name) => (config.clusters.get(name)?.eventStream === false ? 'list' : 'events'),
    logger,
    onChange: (_cluster, _namespace, changed, gone) => {
      for (const app of appsToWake(changed, gone, (name) => controller.spec(name) !== undefined)) {
        void controller.trigger(app, { trigger: 'event' }).catch(() => undefined);
      }
    },
  });
  // HA: the elector is made once the API listens (its URL is what followers name); until then nobody may write.
  let elector: LeaderElector | undefined;
  const gate: WriteGate = {
    mayWrite: () => !config.ha.enabled || elector?.mayWrite() === true,
    reason: () => elector?.reason() ?? 'not the leader; no election has run yet',
  };
  const clock = options.clock ?? systemClock;
  const controller: Controller = new Controller({
    writeGate: gate,
    apps: config.apps,
    mirrors,
    store,
    storeHealth,
    logger,
    nomadFor,
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
  let led = false;
  // Followers keep generated apps in their registry (for the API and UI) but only the leader reconciles them.
  const appSets = new AppSetRunner({
    sets: config.appSets,
    mirrors,
    registry: controller,
    logger,
    reconciles: () => led,
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
  const poller = new RepoPoller({
    repos: sources.polls,
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
  const webhooks = {
    maxBodyBytes: config.webhookMaxBodyBytes,
    repositories: [...config.repositories.values()],
    apps: () => controller.specs(),
    trigger: (name: string) => pushes.add(name),
    // Only the leader runs app sets, as it alone reconciles.
    pushed: (url: string) => void (led && !stopping ? appSets.refresh(url, { fetch: true }) : undefined),
    onDelivery: (provider: string, result: string) => telemetry.webhookDelivered(provider, result),
    logger,
  };
  const probe = storeCheck(store);
  const readiness = [
    // A store the monitor found broken is not probed again: its message says how to recover.
    {
      name: 'store',
      check: async () => {
        const known = storeReadiness(storeHealth);
        if (known) return known;
        try {
          return await probe.check();
        } catch (error) {
          // A probe that meets a corrupt file closes the store, and readiness says how to recover.
          storeHealth.noteError(error);
          const now = storeReadiness(storeHealth);
          if (now) return now;
          throw error;
        }
      },
    },
    configCheck(() => true),
    clustersCheck({
      names: [...clients.keys()],
      // A cluster whose latest call got no answer is asked again, however recent its last answer.
      lastContact: (name) =>
        reachability.cluster(name).reachable ? reachability.cluster(name).lastContact : undefined,
      probe: async (name) => void (await nomadFor(name).system.leader({ signal: AbortSignal.timeout(2000) })),
    }),
  ];
  const auth = authOptions(config, store, logger);
  const oidc = config.auth.oidc
    ? new OidcLogin(config.auth.oidc, config.auth.roleBindings, {
        externalURL: config.externalURL,
        secure: auth.sessions.secure,
      })
    : undefined;
  const leadership = config.ha.enabled
    ? { isLeader: () => elector?.isLeader() === true, leader: () => elector?.leader() }
    : undefined;
  let selfURL = '';
  const api = createApi({
    controller,
    store,
    logger,
    webhooks,
    auth,
    oidc,
    nomadFor,
    storeHealth,
    leadership,
    selfURL: () => selfURL,
    maxBodyBytes: config.maxBodyBytes,
    tls: !!config.tls,
    events,
    metrics: { metrics, guard: scrapeGuard(store) },
    readiness,
    syncWindows: { windows: config.syncWindows, clock, apps: () => controller.specs() },
    sources: {
      clusters: config.clusters.values(),
      repositories: config.repositories.values(),
      apps: () => controller.specs(),
      reachability,
    },
    appSets: { sets: config.appSets, states: () => appSets.list() },
  });
  const server = await listen(api, config.listen.host, config.listen.port, config.tls);
  auth.guard.setPort(Number(new URL(server.url).port));
  if (!config.tls && !isLoopbackHost(config.listen.host)) {
    logger.warn(
      { listen: config.listen.host },
      'listening beyond loopback without TLS: tokens and sessions cross the network in the clear; set tls { cert_file, key_file }',
    );
  }
  selfURL = config.ha.advertiseURL ?? server.url;
  // Only the leader reconciles, polls git and watches job lists; the API serves on every instance.
  // Leading happens at most once per process: a deposed leader exits and comes back as a follower.
  let stopping: Promise<void> | undefined;
  let setsRan!: () => void;
  const appSetsReady = new Promise<void>((resolve) => (setsRan = resolve));
  const following = followAppSets(config.ha.enabled && config.appSets.length > 0, sources.polls, () => {
    void appSets.refresh(undefined, { fetch: true });
  });
  // A follower relays the statuses the leader saves, so its event stream (and a UI on it) is live too.
  const relay = config.ha.enabled ? new StatusRelay({ store, events, intervalMs: 2000, logger }) : undefined;
  relay?.start();
  const lead = () => {
    if (led || stopping) return;
    led = true;
    following.stop();
    relay?.stop();
    void controller.start();
    poller.start();
    void appSets.refresh(undefined, { fetch: true }).finally(setsRan);
  };
  let deposed!: (reason: string) => void;
  const lost = new Promise<string>((resolve) => (deposed = resolve));
  if (config.ha.enabled) {
    elector = makeElector(config, clients, selfURL, logger, lead, (reason) => {
      led = true; // never lead again in this process
      if (!stopping) deposed(reason);
    });
    elector.start();
  } else lead();
  logger.info({ url: server.url, apps: config.apps.length, ha: config.ha.enabled }, 'drover started');
  return {
    url: server.url,
    controller,
    appSetsReady,
    lost,
    // Idempotent: a second call waits for the first. The lock is released last, once no write is in flight.
    stop: () =>
      (stopping ??= (async () => {
        following.stop();
        relay?.stop();
        events.close();
        await server.close();
        inventory.stop();
        await poller.stop();
        await controller.stop();
        await elector?.stop();
        monitor?.stop();
        await store.close();
        unlock();
      })()),
  };
}

function makeElector(
  config: Config,
  clients: Map<string, NomadClient>,
  url: string,
  logger: Logger,
  onElected: () => void,
  onDeposed: (reason: string) => void,
): LeaderElector {
  const nomad = clients.get(config.ha.cluster)!;
  return new LeaderElector({
    variables: nomad.variables,
    path: config.ha.lockPath,
    namespace: config.ha.namespace,
    ttlMs: config.ha.ttlMs,
    lockDelayMs: config.ha.lockDelayMs,
    self: { id: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`, url },
    logger: logger.child({ component: 'ha' }),
    onElected,
    onDeposed,
  });
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

/** Watches the SQLite file: a failed check or a corrupt-file error stops writes to Nomad and is logged once. */
function sqliteMonitor(config: Config, logger: Logger): StoreMonitor {
  return new StoreMonitor(sqliteFile(config.dataDir), (health) =>
    logger.error(
      { file: health.file, reason: health.reason },
      `the store failed; reconciles stop writing to Nomad: ${health.recovery}`,
    ),
  );
}

function storeReadiness(store: StoreHealthView): string | undefined {
  const health = store.health();
  if (health.ok) return undefined;
  return `database ${health.file} is corrupt or unreadable (${health.reason}); ${health.recovery}`;
}
