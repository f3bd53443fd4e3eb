import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DroverError } from '../domain/errors.js';
import { durationMs } from '../domain/duration.js';
import type { AppSpec } from '../domain/app.js';
import { fileSchema, type ClusterFile, type ConfigFile } from './schema.js';
import { readHclConfig, type HclConfig } from './hcl.js';
import { readJsonConfig } from './json.js';
import type { AuthConfig, ClusterConfig, Config, RepositoryConfig } from './config.js';
import { checkURLHasNoSecret, repositoryExtras } from './repository.js';
import { buildApp, configError, resolveRepoURL, type AppContext, type Where } from './app-spec.js';
import { buildAppSets, buildProjects } from './app-sets.js';
import { checkDependencies } from './dependencies.js';
import { buildSyncWindows } from './sync-windows.js';

export type LoadOptions = {
  /** Environment to read NOMAD_* from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
};

/** Reads, validates and freezes a config file (HCL, or JSON in HCL's JSON form). */
export function loadConfigFile(path: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DroverError('DROVER_ERR_CONFIG', `${path}: cannot read config file: ${(error as Error).message}`, {
      file: path,
    });
  }
  return parseConfig(text, path, options);
}

/**
 * Parses config text, HCL or JSON (HCL's JSON form; detected by a leading `{` as jobspec2
 * does); `file` is used in error messages and to resolve relative paths.
 */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const { value: raw, positions } = text.trimStart().startsWith('{')
    ? readJsonConfig(text, file)
    : readHclConfig(text, file);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const at = where(file, positions, 'keys' in issue ? [...issue.path, String(issue.keys[0])] : issue.path);
      return `${at}: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    });
    throw new DroverError('DROVER_ERR_CONFIG', lines.join('\n'), { file, issues: parsed.error.issues });
  }
  if (parsed.data.auth.disabled) {
    const host = parseListen(parsed.data.listen, file).host;
    if (!isLoopbackHost(host)) {
      throw new DroverError(
        'DROVER_ERR_CONFIG',
        `${where(file, positions, ['auth', 'disabled'])}: auth.disabled: allowed only on a loopback listener ` +
          `(listen is "${host}"); use tokens or OIDC instead`,
        { file },
      );
    }
  }
  const at = (path: PropertyKey[]) => where(file, positions, path);
  return buildConfig(parsed.data, dirname(resolve(file)), file, options.env ?? process.env, at);
}

/** `file:line:col` of the closest written field. */
function where(file: string, positions: HclConfig['positions'], path: PropertyKey[]): string {
  for (let n = path.length; n > 0; n--) {
    const pos = positions.get(path.slice(0, n).map(String).join('.'));
    if (pos) return `${file}:${pos.line}:${pos.column}`;
  }
  return file;
}

/** Cluster blocks, with what they leave out taken from the NOMAD_* variables the nomad CLI reads. */
function buildClusters(
  data: ConfigFile,
  baseDir: string,
  file: string,
  env: NodeJS.ProcessEnv,
  at: Where,
): Map<string, ClusterConfig> {
  const clusters = new Map<string, ClusterConfig>();
  // Anything a cluster block leaves out comes from the same NOMAD_* variables the nomad CLI reads.
  const fromEnv = (name: string, cluster: ClusterFile = {}): ClusterConfig => {
    const path = (value: string | undefined, fallback: string | undefined) =>
      value ? resolve(baseDir, value) : fallback || undefined;
    const tls = {
      caCert: path(cluster.ca_file, env.NOMAD_CACERT),
      clientCert: path(cluster.cert_file, env.NOMAD_CLIENT_CERT),
      clientKey: path(cluster.key_file, env.NOMAD_CLIENT_KEY),
      serverName: cluster.tls_server_name ?? (env.NOMAD_TLS_SERVER_NAME || undefined),
      skipVerify:
        cluster.tls_skip_verify ?? ['1', 't', 'true', 'yes'].includes((env.NOMAD_SKIP_VERIFY ?? '').toLowerCase()),
    };
    const anyTls = Boolean(tls.caCert || tls.clientCert || tls.clientKey || tls.serverName || tls.skipVerify);
    // No silent default address: a cluster Drover writes to is always named by the user.
    const address = cluster.address ?? (env.NOMAD_ADDR || undefined);
    if (!address) {
      const message = 'no Nomad address: set "address" in the cluster block or the NOMAD_ADDR environment variable';
      throw configError(at(['cluster', name]), `cluster.${name}.address`, message, file);
    }
    checkAddressHasNoCredentials(address, cluster.address ? `cluster.${name}.address` : 'NOMAD_ADDR', file);
    const tokenFile = cluster.token_file ? resolve(baseDir, cluster.token_file) : undefined;
    if (tokenFile) readSecret(tokenFile, file, `cluster.${name}.token_file`);
    return {
      name,
      address,
      region: cluster.region ?? env.NOMAD_REGION,
      ...(tokenFile ? { tokenFile } : env.NOMAD_TOKEN ? { token: env.NOMAD_TOKEN } : {}),
      ...(anyTls ? { tls } : {}),
      ...(cluster.event_stream === false ? { eventStream: false } : {}),
    };
  };
  for (const [name, cluster] of Object.entries(data.cluster)) clusters.set(name, fromEnv(name, cluster));
  // Without a block, `default` is the cluster NOMAD_ADDR names, as for the nomad CLI; without NOMAD_ADDR there is none.
  if (!clusters.has('default') && env.NOMAD_ADDR) clusters.set('default', fromEnv('default'));
  return clusters;
}

function buildConfig(data: ConfigFile, baseDir: string, file: string, env: NodeJS.ProcessEnv, at: Where): Config {
  const clusters = buildClusters(data, baseDir, file, env, at);
  const repositories = new Map<string, RepositoryConfig>();
  for (const [name, repo] of Object.entries(data.repository)) {
    repositories.set(name, {
      name,
      url: resolveRepoURL(repo.url, baseDir),
      pollIntervalMs: durationMs(repo.poll_interval),
      ...repositoryExtras(name, repo, baseDir, file),
    });
  }

  const projects = buildProjects(data, repositories, at, file);
  const ctx: AppContext = { file, baseDir, at, repositories, clusters, projects, historyLimit: data.history_limit };
  const apps: AppSpec[] = Object.entries(data.app).map(([name, app]) =>
    buildApp(ctx, name, app, ['app', name], app.project),
  );
  checkDependencies(data.app, at, file);
  const appSets = buildAppSets(data, ctx, apps);

  const listen = parseListen(data.listen, file);
  return deepFreeze({
    listen,
    ...(data.tls ? { tls: listenerTls(data.tls, baseDir, file) } : {}),
    maxBodyBytes: data.max_body_bytes,
    ...(data.external_url ? { externalURL: data.external_url.replace(/\/+$/, '') } : {}),
    auth: buildAuth(data.auth, baseDir, file),
    dataDir: resolve(baseDir, data.data_dir),
    refreshIntervalMs: durationMs(data.refresh_interval),
    webhookMaxBodyBytes: data.webhook_max_body_bytes,
    reconcileConcurrency: data.reconcile_concurrency,
    clusters,
    repositories,
    apps,
    appSets,
    projects,
    syncWindows: buildSyncWindows(data.sync_window),
    ha: haConfig(data, clusters, file, env),
    store: storeConfig(data, file, env),
  });
}

function buildAuth(auth: ConfigFile['auth'], baseDir: string, file: string): AuthConfig {
  const oidc = auth.oidc;
  return {
    disabled: auth.disabled,
    sessionTtlMs: durationMs(auth.session_ttl),
    ...(oidc
      ? {
          oidc: {
            issuer: oidc.issuer,
            clientId: oidc.client_id,
            ...(oidc.client_secret_file
              ? {
                  clientSecret: readSecret(
                    resolve(baseDir, oidc.client_secret_file),
                    file,
                    'auth.oidc.client_secret_file',
                  ),
                }
              : {}),
            scopes: oidc.scopes,
            groupsClaim: oidc.groups_claim,
          },
        }
      : {}),
    roleBindings: auth.role_binding.map((b) => ({
      group: b.group,
      role: b.role,
      apps: b.apps,
      ...(b.projects.length > 0 ? { projects: b.projects } : {}),
    })),
  };
}

/** Whether a listen host is loopback only (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function haConfig(data: ConfigFile, clusters: Map<string, ClusterConfig>, file: string, env: NodeJS.ProcessEnv) {
  const ha = data.ha;
  if (ha.enabled && !clusters.has(ha.cluster))
    throw new DroverError('DROVER_ERR_CONFIG', `${file}: ha.cluster: no cluster block named "${ha.cluster}"`, { file });
  const advertise = ha.advertise_url ?? (env.DROVER_ADVERTISE_URL || undefined);
  if (advertise) checkURLHasNoSecret(advertise, 'ha.advertise_url', file);
  return {
    enabled: ha.enabled,
    lockPath: ha.lock_path,
    ttlMs: durationMs(ha.ttl),
    lockDelayMs: durationMs(ha.lock_delay),
    cluster: ha.cluster,
    namespace: ha.namespace,
    ...(advertise ? { advertiseURL: advertise.replace(/\/+$/, '') } : {}),
  };
}

/** The store: PostgreSQL when its variable is named (and set), else the embedded SQLite file. */
function storeConfig(data: ConfigFile, file: string, env: NodeJS.ProcessEnv): Config['store'] {
  const name = data.store.postgres_url_env;
  if (!name) return { kind: 'sqlite' };
  // Checked now so a missing secret fails at start, not at the first write; the value is not kept.
  if (!env[name])
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `${file}: store.postgres_url_env: environment variable ${name} is not set`,
      {
        file,
      },
    );
  return { kind: 'postgres', postgresURLEnv: name };
}

function readSecret(path: string, file: string, field: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `${file}: ${field}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { file },
    );
  }
}

/** Refuses `user:password@` (or `user@`) in a cluster address: it would reach logs, answers and the store. */
function checkAddressHasNoCredentials(address: string, field: string, file: string): void {
  if (!URL.canParse(address)) return;
  const url = new URL(address);
  if (url.username || url.password) {
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `${file}: ${field}: the address contains credentials; use token_file (or NOMAD_TOKEN) instead`,
      { file },
    );
  }
}

/** The listener's certificate and key, made absolute and checked readable now so a typo fails at startup. */
function listenerTls(tls: { cert_file: string; key_file: string }, baseDir: string, file: string) {
  const certFile = resolve(baseDir, tls.cert_file);
  const keyFile = resolve(baseDir, tls.key_file);
  readSecret(certFile, file, 'tls.cert_file');
  readSecret(keyFile, file, 'tls.key_file');
  return { certFile, keyFile };
}

function parseListen(listen: string, file: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new DroverError('DROVER_ERR_CONFIG', `${file}: listen: expected "host:port", got "${listen}"`, { file });
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of value instanceof Map ? value.values() : Object.values(value)) deepFreeze(child);
  }
  return value;
}
