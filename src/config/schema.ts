import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { syncWindowSchema } from './sync-windows.js';

const duration = z.string().refine(
  (value) => {
    try {
      return parseDuration(value) > 0;
    } catch {
      return false;
    }
  },
  { message: 'must be a positive Go duration such as "30s" or "3m"' },
);

const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, "_", "." or "-"');

export const clusterSchema = z
  .strictObject({
    address: z.string().url().optional(),
    token_file: z.string().optional(),
    region: z.string().optional(),
    /** PEM files for HTTPS, as NOMAD_CACERT, NOMAD_CLIENT_CERT and NOMAD_CLIENT_KEY. */
    ca_file: z.string().optional(),
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    tls_server_name: z.string().optional(),
    tls_skip_verify: z.boolean().optional(),
    /** false: watch jobs with blocking list queries only, never the event stream (e.g. behind a proxy that buffers streams). */
    event_stream: z.boolean().optional(),
  })
  .refine((c) => Boolean(c.cert_file) === Boolean(c.key_file), {
    message: 'cert_file and key_file go together (mutual TLS needs both)',
  });

const bytes = z.number().int().positive();

export const repositorySchema = z
  .strictObject({
    url: z.string().min(1),
    poll_interval: duration.default('3m'),
    // Credentials and secrets: only where they live (a file or an environment variable), never the values.
    username: z.string().min(1).optional(),
    token_file: z.string().optional(),
    token_env: z.string().optional(),
    password_file: z.string().optional(),
    password_env: z.string().optional(),
    ssh_key_file: z.string().optional(),
    known_hosts_file: z.string().optional(),
    ssh_insecure_ignore_host_key: z.boolean().default(false),
    webhook_secret_file: z.string().optional(),
    webhook_secret_env: z.string().optional(),
    keyring_file: z.string().optional(),
    max_file_bytes: bytes.optional(),
    max_snapshot_bytes: bytes.optional(),
  })
  .refine(
    (repo) =>
      [repo.token_file, repo.token_env, repo.password_file, repo.password_env].filter((v) => v !== undefined).length <=
      1,
    {
      message: 'set at most one of "token_file", "token_env", "password_file" or "password_env"',
    },
  )
  .refine((repo) => repo.webhook_secret_file === undefined || repo.webhook_secret_env === undefined, {
    message: 'set at most one of "webhook_secret_file" or "webhook_secret_env"',
  });

const retrySchema = z.strictObject({
  limit: z.number().int().min(0).max(100).default(5),
  backoff: duration.default('5s'),
  factor: z.number().min(1).max(10).default(2),
  max_backoff: duration.default('3m'),
});

/** A job-file glob: relative to the app's path, never leaving it. */
const jobGlob = z
  .string()
  .min(1)
  .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), {
    message: "a glob is relative to the app's path and may not start with / or contain ..",
  });

/** The fields of an app block; app set templates share them. */
const appFields = z.strictObject({
  repository: z.string().optional(),
  url: z.string().optional(),
  revision: z.string().min(1).default('HEAD'),
  path: z.string().default('.'),
  require_signed_commits: z.boolean().default(false),
  cluster: z.string().default('default'),
  namespace: z.string().default('default'),
  region: z.string().optional(),
  /** local: the built-in renderer; server: Nomad's /v1/jobs/parse; auto: server when reachable, else local. */
  render: z.enum(['local', 'server', 'auto']).default('local'),
  /** Job variables, as `-var name=value`: strings as written, other values as their HCL/JSON text. */
  vars: z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]),
    )
    .default({})
    .transform((vars) =>
      Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    ),
  /** Var-files, relative to the app's path, lowest precedence first. */
  var_files: z.array(z.string().min(1)).default([]),
  /** Globs relative to `path` choosing the job files; `exclude` wins. Defaults: see docs/render.md. */
  include: z.array(jobGlob).default([]),
  exclude: z.array(jobGlob).default([]),
  sync: z
    .strictObject({
      automated: z.boolean().default(true),
      prune: z.boolean().default(false),
      self_heal: z.boolean().default(false),
      allow_empty: z.boolean().default(false),
      adopt: z.boolean().default(false),
      purge: z.boolean().default(false),
      /** Most jobs one automated sync may prune: a count, or a share of the app's owned jobs ("50%"). */
      max_prune: z
        .union([
          z.number().int().min(0),
          z.string().regex(/^(100|[1-9]?[0-9])%$/, 'must be a whole percentage from "0%" to "100%"'),
        ])
        .default('50%'),
      allow_mass_prune: z.boolean().default(false),
      retry: retrySchema.prefault({}),
    })
    .prefault({}),
  ignore_differences: z
    .array(
      z.strictObject({
        job: z.string().optional(),
        paths: z.array(z.string().min(1)).min(1),
      }),
    )
    .default([]),
  history_limit: z.number().int().min(1).max(10_000).optional(),
  /** Apps that must be Synced and Healthy before this one syncs (docs/appsets.md#ordering). */
  depends_on: z.array(z.string().min(1)).default([]),
  /** Job ID -> sync wave; overrides a job's `drover.wave` meta. */
  waves: z.record(z.string().min(1), z.number().int().min(-1000).max(1000)).default({}),
  /** The project whose rules the app keeps (default: the "default" project). */
  project: z.string().optional(),
});

const oneSource = {
  check: (app: { repository?: string; url?: string }) => (app.repository === undefined) !== (app.url === undefined),
  message: 'set exactly one of "repository" or "url"',
};

export const appSchema = appFields.refine(oneSource.check, { message: oneSource.message });

/** An app set's template: an app block with a `name`, its strings holding `${...}` placeholders; the set names the project. */
const templateSchema = appFields
  .omit({ project: true })
  .extend({ name: z.string().min(1) })
  .refine(oneSource.check, { message: oneSource.message });

const gitGenerator = {
  repository: z.string().optional(),
  url: z.string().optional(),
  revision: z.string().min(1).default('HEAD'),
  paths: z.array(z.string().min(1)).min(1),
};
const gitDirectories = z
  .strictObject({ ...gitGenerator, exclude: z.array(z.string().min(1)).default([]) })
  .refine(oneSource.check, { message: oneSource.message });
const gitFiles = z.strictObject(gitGenerator).refine(oneSource.check, { message: oneSource.message });
const listGenerator = z.strictObject({
  elements: z.array(z.record(z.string(), z.unknown())).min(1),
});

const GENERATORS = ['git_directories', 'git_files', 'list', 'matrix'] as const;
/** A block holding generators (an app set, a matrix) names how many it has. */
const countGenerators = (block: Record<string, unknown>) =>
  GENERATORS.reduce((n, kind) => n + (Array.isArray(block[kind]) ? block[kind].length : block[kind] ? 1 : 0), 0);

/** One generator block, or (inside a matrix, where a kind may repeat) a list of them. */
const many = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(schema).min(1)).optional();

type MatrixFile = {
  git_directories?: Array<z.output<typeof gitDirectories>>;
  git_files?: Array<z.output<typeof gitFiles>>;
  list?: Array<z.output<typeof listGenerator>>;
  matrix?: MatrixFile[];
};

const matrixGenerator: z.ZodType<MatrixFile> = z.lazy(() =>
  z
    .strictObject({
      git_directories: many(gitDirectories),
      git_files: many(gitFiles),
      list: many(listGenerator),
      matrix: many(matrixGenerator),
    })
    .refine((m) => countGenerators(m) === 2, { message: 'a matrix combines exactly two generators' }),
);

export const appSetSchema = z
  .strictObject({
    git_directories: gitDirectories.optional(),
    git_files: gitFiles.optional(),
    list: listGenerator.optional(),
    matrix: matrixGenerator.optional(),
    template: templateSchema,
    project: z.string().optional(),
    sync: z.strictObject({ prune_on_delete: z.boolean().default(false) }).prefault({}),
  })
  .refine((set) => countGenerators(set) === 1, {
    message: 'set exactly one generator: git_directories, git_files, list or matrix (a matrix combines two)',
  });

/** What a project allows; a rule left out allows everything of its kind, an empty list nothing. */
export const projectSchema = z.strictObject({
  description: z.string().optional(),
  /** Repository block names, or URL globs. */
  repositories: z.array(z.string().min(1)).optional(),
  destinations: z
    .array(z.strictObject({ cluster: z.string().min(1).default('*'), namespace: z.string().min(1).default('*') }))
    .optional(),
  /** Job ID globs. */
  jobs: z.array(z.string().min(1)).optional(),
});

const role = z.enum(['viewer', 'operator', 'admin']);

export const authSchema = z
  .strictObject({
    /** Every check off: allowed only on a loopback listener, and logged as a warning. */
    disabled: z.boolean().default(false),
    /** How long a browser session lasts after sign-in. */
    session_ttl: duration.default('12h'),
    oidc: z
      .strictObject({
        issuer: z.string().url(),
        client_id: z.string().min(1),
        /** The client secret is read from this file only: never written in the config. */
        client_secret_file: z.string().min(1).optional(),
        scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email', 'groups']),
        groups_claim: z.string().min(1).default('groups'),
      })
      .optional(),
    /** Maps an OIDC group to a role, optionally on some apps only (globs). */
    role_binding: z
      .array(
        z.strictObject({
          group: z.string().min(1),
          role,
          apps: z.array(z.string().min(1)).default([]),
          /** Projects whose apps the group may see, besides `apps`. */
          projects: z.array(z.string().min(1)).default([]),
        }),
      )
      .default([]),
  })
  .refine((auth) => auth.role_binding.length === 0 || auth.oidc !== undefined, {
    message: 'role_binding blocks need an oidc block (they map OIDC groups to roles)',
  });

const lockDuration = duration.refine(
  (value) => parseDuration(value) >= 1e9 && parseDuration(value) <= 24 * 3600e9,
  // Nomad itself refuses less than 10s; the floor here is lower only so tests against the simulator run fast.
  { message: 'must be between "1s" and "24h" (Nomad requires at least "10s")' },
);

/** High availability: several instances elect a leader on a Nomad Variables lock. */
export const haSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** `nomad/jobs/<job>/...` is readable and writable by the job's own workload identity. */
  lock_path: z
    .string()
    .regex(/^[a-zA-Z0-9\-_~/]{1,128}$/, 'must be a Nomad variable path')
    .default('nomad/jobs/drover/leader'),
  ttl: lockDuration.default('15s'),
  /** How long an expired lock stays untakeable; Nomad's floor, so a takeover stays within TTL + one renewal. */
  lock_delay: lockDuration.default('10s'),
  /** The cluster holding the lock: the one Drover runs on. */
  cluster: z.string().default('default'),
  namespace: z.string().default('default'),
  /** The URL other instances and clients reach this one at (followers name it); else DROVER_ADVERTISE_URL. */
  advertise_url: z.string().url().optional(),
});

/** Where the shared store lives. Only the name of the environment variable is configured: the URL is a secret. */
export const storeSchema = z.strictObject({
  postgres_url_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
});

/** The config file in HCL's JSON form: labelled blocks are objects keyed by label. */
export const fileSchema = z.strictObject({
  listen: z.string().default('127.0.0.1:8080'),
  data_dir: z.string().default('./data'),
  /** The address users reach Drover at (behind a proxy, say); requests naming another host are refused. */
  external_url: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), { message: 'must be an http:// or https:// URL' })
    .optional(),
  auth: authSchema.prefault({}),
  refresh_interval: duration.default('3m'),
  history_limit: z.number().int().min(1).max(10_000).default(100),
  webhook_max_body_bytes: bytes.default(25 * 1024 * 1024),
  max_body_bytes: bytes.default(1024 * 1024),
  tls: z.strictObject({ cert_file: z.string().min(1), key_file: z.string().min(1) }).optional(),
  reconcile_concurrency: z.number().int().min(1).max(256).default(16),
  cluster: z.record(name, clusterSchema).default({}),
  repository: z.record(name, repositorySchema).default({}),
  app: z.record(name, appSchema).default({}),
  app_set: z.record(name, appSetSchema).default({}),
  project: z.record(name, projectSchema).default({}),
  ha: haSchema.prefault({}),
  store: storeSchema.prefault({}),
  sync_window: z.array(syncWindowSchema).default([]),
});

export type ConfigFile = z.infer<typeof fileSchema>;
export type ClusterFile = z.input<typeof clusterSchema>;
export type AppFile = ConfigFile['app'][string];
export type AppSetFile = ConfigFile['app_set'][string];
export type TemplateFile = AppSetFile['template'];
export type ProjectFile = ConfigFile['project'][string];
export type { MatrixFile };
