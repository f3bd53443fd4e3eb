import { z } from 'zod';

// The zod schemas of the REST API, requests and responses: routes validate bodies with them,
// the OpenAPI document is generated from them, and the e2e tests check every answer against them.

const sha = z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a commit SHA');
const time = z.string().describe('RFC 3339 time');

export const syncBody = z.strictObject({
  jobs: z.array(z.string().min(1)).min(1).optional().describe('Only these job IDs; each must be rendered by the app'),
  dryRun: z.boolean().optional().describe('Plan every write with Nomad and write nothing'),
  prune: z.boolean().optional().describe("Override the app's prune policy for this sync"),
  revision: sha.optional().describe('Sync this commit instead of the configured revision'),
  pin: z.boolean().optional().describe('Pin the app at the synced revision so automated sync and self-heal keep it'),
  async: z.boolean().optional().describe('Answer 202 once the request is accepted, without waiting for the sync'),
});

export const rollbackBody = z
  .strictObject({
    id: z.number().int().positive().optional().describe('A sync run from history'),
    revision: sha.optional(),
  })
  .refine((b) => (b.id === undefined) !== (b.revision === undefined), {
    message: 'set exactly one of "id" or "revision"',
  });

export const errorBody = z.object({
  error: z.object({
    code: z.string().regex(/^DROVER_ERR_[A-Z_]+$/),
    message: z.string(),
    leader: z.string().optional().describe('DROVER_ERR_NOT_LEADER: the URL of the instance that leads'),
  }),
});
export const leaderView = z.object({
  ha: z.boolean().describe('Whether leader election is on'),
  leader: z.boolean().describe('Whether this instance leads (always true without HA)'),
  url: z.string().describe("This instance's advertised URL"),
  leaderURL: z.string().optional().describe('The leader, as this instance knows it'),
});

const health = z.object({
  status: z.enum(['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']),
  message: z.string().optional(),
});
export const condition = z.object({ type: z.string(), message: z.string() });
const jobStatus = z.object({
  id: z.string(),
  namespace: z.string(),
  file: z.string().optional(),
  status: z.enum(['Synced', 'OutOfSync', 'Missing', 'Extra']),
  health: health.optional(),
  diffCount: z.number().int().optional(),
  wave: z.number().int().optional().describe("The job's sync wave, when the app has more than one"),
});
const lastSync = z.object({
  id: z.number().int().optional(),
  revision: z.string(),
  trigger: z.string().optional(),
  startedAt: time,
  finishedAt: time,
  result: z.enum(['Succeeded', 'Failed']),
  message: z.string().optional(),
  contentDigest: z.string().optional(),
});
export const appStatus = z.object({
  sync: z.object({
    status: z.enum(['Synced', 'OutOfSync', 'Unknown']),
    revision: z.string().optional(),
    targetRevision: z.string().optional(),
    contentDigest: z.string().optional(),
  }),
  health,
  jobs: z.array(jobStatus),
  conditions: z.array(condition),
  lastSync: lastSync.optional(),
  pin: z.object({ revision: z.string(), reason: z.string(), at: time }).optional(),
  observedAt: time.optional(),
});

export const appView = z.object({
  name: z.string(),
  project: z.string().describe('The project whose rules the app keeps ("default" when none is named)'),
  appSet: z.string().optional().describe('The app set that generated this app; absent for apps written as app blocks'),
  source: z.object({ repoURL: z.string(), revision: z.string(), path: z.string() }),
  destination: z.object({ cluster: z.string(), namespace: z.string(), region: z.string().optional() }),
  syncPolicy: z.object({
    automated: z.boolean(),
    prune: z.boolean(),
    selfHeal: z.boolean(),
    allowEmpty: z.boolean(),
    adopt: z.boolean(),
    purge: z.boolean(),
    maxPrune: z
      .union([z.object({ count: z.number() }), z.object({ percent: z.number() })])
      .describe('How many owned jobs one automated sync may prune at once (sync.max_prune)'),
    allowMassPrune: z.boolean(),
    retry: z.object({ limit: z.number(), backoffMs: z.number(), factor: z.number(), maxBackoffMs: z.number() }),
  }),
  ignoreDifferences: z.array(z.object({ job: z.string().optional(), paths: z.array(z.string()) })),
  status: appStatus,
});

const plan = z.object({
  diffType: z.string().optional(),
  updates: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  failedPlacements: z.array(z.string()).optional(),
  warnings: z.string().optional(),
  diff: z.unknown().optional(),
  error: z.string().optional(),
});
export const jobAction = z.object({
  id: z.string(),
  namespace: z.string(),
  action: z.enum(['create', 'update', 'prune', 'unchanged', 'skipped']),
  result: z.enum(['ok', 'failed', 'planned']),
  evalId: z.string().optional(),
  jobModifyIndex: z.number().int().optional(),
  deploymentId: z.string().optional(),
  plan: plan.optional(),
  message: z.string().optional(),
  wave: z.number().int().optional().describe("The job's sync wave, when the app has more than one"),
});

export const syncRun = z.object({
  id: z.number().int().optional(),
  app: z.string(),
  trigger: z.string(),
  revision: z.string(),
  author: z.string().optional(),
  committer: z.string().optional(),
  subject: z.string().optional(),
  commitDate: z.string().optional(),
  startedAt: time,
  finishedAt: time.optional(),
  durationMs: z.number().optional(),
  result: z.enum(['Running', 'Succeeded', 'Failed', 'Interrupted']),
  message: z.string().optional(),
  requestedBy: z.string().optional().describe('Who asked for it (a token or a user), for syncs a person started'),
  jobs: z.array(jobAction),
});

export const appWithRun = appView.extend({
  run: syncRun.optional().describe('The sync run this request started, when it wrote'),
  warnings: z.array(z.string()).optional().describe('What the caller should know, e.g. that self-heal will undo it'),
});

export const diffView = z.object({
  revision: z.string().optional(),
  status: z.enum(['Synced', 'OutOfSync', 'Unknown']),
  conditions: z.array(condition),
  jobs: z.array(
    z.object({
      id: z.string(),
      namespace: z.string(),
      file: z.string().optional(),
      status: z.enum(['Synced', 'OutOfSync', 'Missing', 'Extra']),
      ownership: z.string(),
      diff: z.array(z.object({ path: z.string(), desired: z.unknown().optional(), live: z.unknown().optional() })),
    }),
  ),
  actions: z.array(jobAction).optional(),
  warnings: z.array(z.string()).optional(),
});

/** A sync's answer: the app and its run, or with dryRun the planned differences. */
export const syncResponse = z.union([appWithRun, diffView]);
export const syncAccepted = z.object({ accepted: z.literal(true), app: z.string() });
export const localDiffRequest = z.strictObject({
  files: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(1024).describe("Relative to the app's path, as in the repository"),
        content: z.string(),
      }),
    )
    .min(1, 'send at least one file')
    .max(10_000),
});
export const versionInfo = z.object({ version: z.string() });
export const signInProviders = z.object({ token: z.literal(true), oidc: z.boolean() });
export const cliTokenRequest = z.strictObject({ code: z.string().min(16).max(128) });

export const appList = z.object({ apps: z.array(appView) });
export const history = z.object({ history: z.array(syncRun) });
export const webhookResult = z.object({
  provider: z.string(),
  event: z.string(),
  repositories: z.array(z.string()),
  refs: z.array(z.string()),
  triggered: z.array(z.string()),
});

const contact = {
  reachable: z.boolean().optional().describe('Whether the latest call got an answer; absent before the first'),
  lastError: z.object({ at: time, message: z.string() }).optional(),
};
export const clusterList = z.object({
  clusters: z.array(
    z.object({
      name: z.string(),
      address: z.string().describe('Without credentials, query or fragment'),
      region: z.string().optional(),
      tls: z.boolean(),
      auth: z.enum(['token_file', 'NOMAD_TOKEN', 'none']).describe('Where the ACL token comes from, never the token'),
      apps: z.array(z.string()),
      lastContact: time.optional().describe('When the cluster last answered'),
      ...contact,
    }),
  ),
});
export const syncWindowList = z.object({
  now: time.describe('The time the windows were evaluated at'),
  windows: z.array(
    z.object({
      kind: z.enum(['allow', 'deny']),
      schedule: z.string().describe('Cron: minute hour day-of-month month day-of-week'),
      duration: z.string(),
      timeZone: z.string(),
      apps: z.array(z.string()).describe('App name globs'),
      manualSync: z.boolean().describe('Whether manual syncs may run while this window holds an app'),
      active: z.boolean(),
      activeUntil: time.optional().describe('While active: when this occurrence ends'),
      nextStart: time,
      matchedApps: z.array(z.string()).describe('Configured apps the window names (within the caller scope)'),
    }),
  ),
});
export const repositoryList = z.object({
  repositories: z.array(
    z.object({
      name: z.string().optional().describe('The repository block; absent for a URL an app names directly'),
      url: z.string().describe('Without credentials, query or fragment'),
      pollInterval: z.string().optional(),
      auth: z.enum(['token_file', 'token_env', 'ssh_key', 'none']),
      webhook: z.boolean().describe('Whether push webhooks are accepted (a webhook secret is set)'),
      apps: z.array(z.string()),
      lastFetch: time.optional().describe('When a fetch last succeeded'),
      ...contact,
    }),
  ),
});
export const appSetList = z.object({
  appSets: z.array(
    z.object({
      name: z.string(),
      generator: z.enum(['git_directories', 'git_files', 'list', 'matrix']),
      project: z.string(),
      pruneOnDelete: z.boolean().describe("Whether a removed app's jobs are pruned (sync.prune_on_delete)"),
      apps: z.array(z.string()).describe('The apps the set generates now'),
      commits: z
        .array(z.object({ repoURL: z.string(), revision: z.string() }))
        .describe('The commit of each repository the last successful run read'),
      error: z.string().optional().describe("The last run's failure; the set kept the apps it had"),
    }),
  ),
});
export const readiness = z.object({
  ready: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().optional() })),
});

/** The `data` of each live event, by its `event` name. */
export const liveEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('app.status'),
    app: z.string(),
    status: z.object({ sync: appStatus.shape.sync, health, pin: appStatus.shape.pin }),
  }),
  z.object({ type: z.literal('app.conditions'), app: z.string(), conditions: z.array(condition) }),
  z.object({
    type: z.literal('sync.started'),
    app: z.string(),
    run: z.number().int(),
    revision: z.string(),
    trigger: z.string(),
  }),
  z.object({ type: z.literal('sync.job'), app: z.string(), run: z.number().int(), action: jobAction }),
  z.object({
    type: z.literal('sync.finished'),
    app: z.string(),
    run: z.number().int(),
    result: z.enum(['Succeeded', 'Failed']),
    message: z.string().optional(),
  }),
]);

const role = z.enum(['viewer', 'operator', 'admin']);
export const principal = z.object({
  kind: z.enum(['token', 'session', 'anonymous']),
  id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  role,
  apps: z.array(z.string()).describe('App-name globs; empty (with no projects) means every app'),
  projects: z.array(z.string()).optional().describe('Projects whose apps the principal may see, besides apps'),
});
export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  role,
  apps: z.array(z.string()),
  projects: z.array(z.string()).optional(),
  status: z.enum(['active', 'expired', 'revoked']),
  createdAt: time,
  createdBy: z.string().optional(),
  expiresAt: time.optional(),
  revokedAt: time.optional(),
  lastUsedAt: time.optional(),
});
export const tokenRequest = z.strictObject({
  role,
  apps: z.array(z.string().min(1)).optional(),
  projects: z.array(z.string().min(1)).optional().describe('Projects whose apps the token may see, besides apps'),
  name: z.string().max(64).optional(),
  expires: z.string().optional().describe('A lifetime such as "30d", "12h" or "90m"'),
});
export const tokenList = z.object({ tokens: z.array(tokenView) });
export const tokenCreated = z.object({
  token: tokenView,
  secret: z.string().describe('drv_...: shown this once, stored only as a hash'),
});
export const tokenRevoked = z.object({ token: tokenView });
export const auditList = z.object({
  entries: z.array(
    z.object({
      id: z.number().int().optional(),
      at: time,
      actor: z.object({
        kind: z.string(),
        id: z.string().optional(),
        name: z.string().optional(),
        email: z.string().optional(),
      }),
      action: z.string(),
      app: z.string().optional(),
      target: z.string().optional(),
      address: z.string().optional(),
      outcome: z.enum(['success', 'denied', 'failure']),
      status: z.number().int(),
      message: z.string().optional(),
    }),
  ),
});
export const signInRequest = z.strictObject({ token: z.string().min(1) });
export const session = z.object({
  principal,
  csrfToken: z.string().optional().describe('Send as X-CSRF-Token on writes made with the session cookie'),
  expiresAt: time.optional(),
});

const allocationNode = z.object({
  id: z.string(),
  name: z.string(),
  node: z.string(),
  nodeId: z.string(),
  clientStatus: z.string(),
  desiredStatus: z.string(),
  healthy: z.boolean().optional().describe('Deployment health; absent while unknown'),
  jobVersion: z.number(),
  childJob: z.string().optional().describe('The child job, for periodic and parameterized jobs'),
  createdAt: time.optional(),
});

export const resourceTree = z.object({
  app: z.string(),
  jobs: z.array(
    z.object({
      id: z.string(),
      namespace: z.string(),
      file: z.string().optional(),
      sync: z.enum(['Synced', 'OutOfSync', 'Missing', 'Extra']),
      health: health.optional(),
      type: z.string().optional(),
      status: z.string().optional(),
      version: z.number().optional(),
      periodic: z.boolean().optional(),
      groups: z.array(z.object({ name: z.string(), count: z.number(), allocations: z.array(allocationNode) })),
      error: z.string().optional().describe('Reading this job from Nomad failed'),
    }),
  ),
});
