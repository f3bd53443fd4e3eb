import type { Hono } from 'hono';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../domain/errors.js';
import type { AuthEnv, Role } from './auth/principal.js';
import * as s from './schemas.js';

/** One answer of a route: its JSON schema, or another media type described in words. */
export type ResponseDoc = { description: string; schema?: z.ZodType; mediaType?: string };

/** One route of the REST API, as the OpenAPI document describes it. */
export type RouteDoc = {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path form: `/api/v1/apps/{name}`. */
  path: string;
  summary: string;
  /** The least role that may call it; `public` routes need no identity (probes, scrapers, signed webhooks). */
  role: Role | 'public';
  query?: Record<string, { schema: z.ZodType; description: string }>;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
  errors?: ErrorCode[];
  /** Served only when configured (single sign-on). */
  optional?: boolean;
};

/** What authentication may answer on any route that needs a role (docs/auth.md). */
export const AUTH_ERRORS: ErrorCode[] = [
  'DROVER_ERR_UNAUTHENTICATED',
  'DROVER_ERR_FORBIDDEN',
  'DROVER_ERR_CSRF',
  'DROVER_ERR_ORIGIN',
];

/** What any route may answer: a body over the limit, a store that failed, a write sent to an HA follower. */
export const COMMON_ERRORS: ErrorCode[] = ['DROVER_ERR_PAYLOAD_TOO_LARGE', 'DROVER_ERR_STORE', 'DROVER_ERR_NOT_LEADER'];

/** Named schemas: the document's components, referenced from every route that uses them. */
const COMPONENTS = {
  Error: s.errorBody,
  Condition: s.condition,
  AppStatus: s.appStatus,
  App: s.appView,
  AppList: s.appList,
  AppWithRun: s.appWithRun,
  JobAction: s.jobAction,
  SyncRun: s.syncRun,
  History: s.history,
  Diff: s.diffView,
  SyncRequest: s.syncBody,
  RollbackRequest: s.rollbackBody,
  WebhookResult: s.webhookResult,
  ClusterList: s.clusterList,
  RepositoryList: s.repositoryList,
  AppSetList: s.appSetList,
  SyncWindowList: s.syncWindowList,
  Readiness: s.readiness,
  LiveEvent: s.liveEvent,
  SyncResponse: s.syncResponse,
  SyncAccepted: s.syncAccepted,
  LocalDiffRequest: s.localDiffRequest,
  Version: s.versionInfo,
  SignInProviders: s.signInProviders,
  CliTokenRequest: s.cliTokenRequest,
  Principal: s.principal,
  Token: s.tokenView,
  TokenRequest: s.tokenRequest,
  TokenList: s.tokenList,
  TokenCreated: s.tokenCreated,
  TokenRevoked: s.tokenRevoked,
  AuditList: s.auditList,
  SignInRequest: s.signInRequest,
  Session: s.session,
  ResourceTree: s.resourceTree,
  Leader: s.leaderView,
} as const;

const json = (description: string, schema: z.ZodType): ResponseDoc => ({ description, schema });
const text = (description: string, mediaType = 'text/plain'): ResponseDoc => ({ description, mediaType });
const APP_ERRORS: ErrorCode[] = ['DROVER_ERR_NOT_FOUND'];
/** A manual sync refused by a sync window or by depends_on (docs/appsets.md). */
const ORDERING_ERRORS: ErrorCode[] = ['DROVER_ERR_SYNC_WINDOW', 'DROVER_ERR_DEPENDENCY_NOT_READY'];
const WRITE_ERRORS: ErrorCode[] = ['DROVER_ERR_NOT_FOUND', 'DROVER_ERR_BAD_REQUEST', 'DROVER_ERR_PAYLOAD_TOO_LARGE'];

/** Every route Drover serves. A test fails when the server has a route this list lacks. */
export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/apps',
    summary: 'List apps with their status',
    role: 'viewer',
    responses: { 200: json('The apps', s.appList) },
  },
  {
    method: 'get',
    path: '/api/v1/apps/{name}',
    summary: 'One app',
    role: 'viewer',
    responses: { 200: json('The app', s.appView) },
    errors: APP_ERRORS,
  },
  {
    method: 'get',
    path: '/api/v1/apps/{name}/history',
    summary: 'Sync runs, newest first',
    role: 'viewer',
    query: { limit: { schema: z.number().int().min(1).max(1000), description: 'How many (default 50)' } },
    responses: { 200: json('The runs', s.history) },
    errors: APP_ERRORS,
  },
  {
    method: 'get',
    path: '/api/v1/apps/{name}/history/{id}',
    summary: 'One sync run',
    role: 'viewer',
    responses: { 200: json('The run', s.syncRun) },
    errors: APP_ERRORS,
  },
  {
    method: 'get',
    path: '/api/v1/apps/{name}/diff',
    summary: "Compare git with the cluster now, with Nomad's plan for each write; writes nothing",
    role: 'viewer',
    responses: { 200: json('The differences', s.diffView) },
    errors: [...APP_ERRORS, 'DROVER_ERR_GIT', 'DROVER_ERR_NOMAD'],
  },
  {
    method: 'get',
    path: '/api/v1/apps/{name}/resources',
    summary: "The app's jobs as Nomad runs them now, with task groups and allocations (the UI's tree)",
    role: 'viewer',
    responses: { 200: json('The tree', s.resourceTree) },
    errors: [...APP_ERRORS, 'DROVER_ERR_NOMAD'],
  },
  {
    method: 'post',
    path: '/api/v1/apps/{name}/refresh',
    summary: 'Reconcile now (syncs only if the policy says so)',
    role: 'operator',
    responses: { 200: json('The app after the reconcile', s.appWithRun) },
    errors: WRITE_ERRORS,
  },
  {
    method: 'post',
    path: '/api/v1/apps/{name}/sync',
    summary: 'Sync now, whatever the policy',
    role: 'operator',
    body: s.syncBody,
    responses: {
      200: json('The app and its run; with dryRun, the planned differences', s.syncResponse),
      202: json('With async: the sync was accepted and runs on', s.syncAccepted),
    },
    errors: [...WRITE_ERRORS, 'DROVER_ERR_GIT_REVISION', ...ORDERING_ERRORS],
  },
  {
    method: 'post',
    path: '/api/v1/apps/{name}/diff',
    summary: "Render the job files sent (a local tree) as the app's and compare them with the cluster; writes nothing",
    role: 'viewer',
    body: s.localDiffRequest,
    responses: { 200: json('The differences', s.diffView) },
    errors: [...WRITE_ERRORS, 'DROVER_ERR_RENDER', 'DROVER_ERR_NOMAD'],
  },
  {
    method: 'get',
    path: '/api/v1/leader',
    summary: 'Who leads, as this instance sees it (docs/ha.md)',
    role: 'viewer',
    responses: { 200: json('Leadership', s.leaderView) },
  },
  {
    method: 'get',
    path: '/api/v1/version',
    summary: "The server's version",
    role: 'viewer',
    responses: { 200: json('The version', s.versionInfo) },
  },
  {
    method: 'post',
    path: '/api/v1/apps/{name}/rollback',
    summary: "Sync an earlier run's revision (or a commit) and pin the app there",
    role: 'operator',
    body: s.rollbackBody,
    responses: { 200: json('The app and its run', s.appWithRun) },
    errors: [...WRITE_ERRORS, 'DROVER_ERR_GIT_REVISION', ...ORDERING_ERRORS],
  },
  {
    method: 'post',
    path: '/api/v1/apps/{name}/unpin',
    summary: 'Remove the pin and reconcile, so automated sync resumes',
    role: 'operator',
    responses: { 200: json('The app after the reconcile', s.appWithRun) },
    errors: [...WRITE_ERRORS, 'DROVER_ERR_CONFLICT'],
  },
  {
    method: 'get',
    path: '/api/v1/events',
    summary: "Live events (server-sent events) for the apps in the caller's scope; Last-Event-ID resumes",
    role: 'viewer',
    responses: {
      200: {
        description: "An event stream; each event's data is a LiveEvent",
        mediaType: 'text/event-stream',
        schema: s.liveEvent,
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/clusters',
    summary: 'Clusters, their reachability and last contact',
    role: 'viewer',
    responses: { 200: json('The clusters', s.clusterList) },
  },
  {
    method: 'get',
    path: '/api/v1/sync-windows',
    summary: 'Sync windows: whether each is active now, until when, and the apps it names',
    role: 'viewer',
    responses: { 200: json('The windows', s.syncWindowList) },
  },
  {
    method: 'get',
    path: '/api/v1/repositories',
    summary: 'Repositories, their last fetch and errors',
    role: 'viewer',
    responses: { 200: json('The repositories', s.repositoryList) },
  },
  {
    method: 'get',
    path: '/api/v1/appsets',
    summary: 'App sets, the apps each generates, and their last failure',
    role: 'viewer',
    responses: { 200: json('The app sets', s.appSetList) },
  },
  {
    method: 'post',
    path: '/api/v1/webhooks/git',
    summary: 'Push webhook from GitHub, GitLab, Gitea/Forgejo or Bitbucket Server (checks its own signature)',
    role: 'public',
    responses: { 202: json('What the push named and which apps it refreshed', s.webhookResult) },
    errors: ['DROVER_ERR_WEBHOOK_SIGNATURE', 'DROVER_ERR_WEBHOOK_PAYLOAD', 'DROVER_ERR_PAYLOAD_TOO_LARGE'],
  },
  {
    method: 'post',
    path: '/api/v1/session',
    summary: 'Sign in with an API token: sets the HttpOnly session cookie',
    role: 'public',
    body: s.signInRequest,
    responses: { 201: json('The session, with its CSRF token', s.session) },
    errors: ['DROVER_ERR_UNAUTHENTICATED', 'DROVER_ERR_BAD_REQUEST', 'DROVER_ERR_ORIGIN'],
  },
  {
    method: 'get',
    path: '/api/v1/session',
    summary: 'Who is asking',
    role: 'viewer',
    responses: { 200: json('The caller', s.session) },
  },
  {
    method: 'delete',
    path: '/api/v1/session',
    summary: 'Sign out',
    role: 'viewer',
    responses: { 204: { description: 'Signed out' } },
  },
  {
    method: 'get',
    path: '/api/v1/session/providers',
    summary: 'The ways of signing in this server offers',
    role: 'public',
    responses: { 200: json('Token sign-in always; OIDC when configured', s.signInProviders) },
  },
  {
    method: 'post',
    path: '/api/v1/session/cli-token',
    summary: 'Exchange the one-time code of a drover login single sign-on for an API token',
    role: 'public',
    optional: true,
    body: s.cliTokenRequest,
    responses: { 201: json("An API token with the user's role and scope", s.tokenCreated) },
    errors: ['DROVER_ERR_UNAUTHENTICATED', 'DROVER_ERR_BAD_REQUEST'],
  },
  {
    method: 'get',
    path: '/api/v1/session/oidc',
    summary: 'Begin single sign-on (authorization code with PKCE)',
    role: 'public',
    optional: true,
    responses: { 302: { description: "To the identity provider's sign-in page" } },
    errors: ['DROVER_ERR_OIDC'],
  },
  {
    method: 'get',
    path: '/api/v1/session/oidc/callback',
    summary: 'Finish single sign-on: sets the session cookie',
    role: 'public',
    optional: true,
    responses: { 302: { description: 'To the status page, signed in' } },
    errors: ['DROVER_ERR_OIDC', 'DROVER_ERR_UNAUTHENTICATED'],
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'List API tokens',
    role: 'admin',
    responses: { 200: json('The tokens', s.tokenList) },
  },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create an API token; the secret is shown this once',
    role: 'admin',
    body: s.tokenRequest,
    responses: { 201: json('The token and its secret', s.tokenCreated) },
    errors: ['DROVER_ERR_BAD_REQUEST'],
  },
  {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: 'Revoke an API token',
    role: 'admin',
    responses: { 200: json('The revoked token', s.tokenRevoked) },
    errors: ['DROVER_ERR_NOT_FOUND', 'DROVER_ERR_CONFLICT'],
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit log of state-changing actions, newest first',
    role: 'admin',
    query: {
      app: { schema: z.string(), description: 'Only this app' },
      actor: { schema: z.string(), description: 'Only this token ID or subject' },
      limit: { schema: z.number().int().min(1).max(1000), description: 'How many (default 100)' },
      before: { schema: z.number().int(), description: 'Entries older than this ID (paging)' },
    },
    responses: { 200: json('The entries', s.auditList) },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    role: 'public',
    responses: { 200: text('OpenAPI 3.1', 'application/json') },
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: answers while the process runs',
    role: 'public',
    responses: { 200: text('"ok"') },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: store readable and writable, config loaded, every cluster answered recently',
    role: 'public',
    responses: { 200: json('Ready', s.readiness), 503: json("Not ready, with each check's reason", s.readiness) },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (docs/metrics.md); a bearer token, when sent, must be valid',
    role: 'public',
    responses: { 200: text('Prometheus text format') },
    errors: ['DROVER_ERR_UNAUTHENTICATED'],
  },
];

/** The OpenAPI 3.1 document, generated from the route table and the zod schemas routes validate with. */
export function openApiDocument(version: string): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(COMPONENTS)) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const converted = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, Record<string, unknown>> };
  const schemas = Object.fromEntries(
    Object.entries(converted.schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  const ref = (schema: z.ZodType) => {
    const id = ids.get(schema);
    if (!id) throw new Error('every route schema must be a component (add it to COMPONENTS)');
    return { $ref: `#/components/schemas/${id}` };
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route, ref);
  return {
    openapi: '3.1.0',
    info: { title: 'Drover', version, description: 'GitOps continuous delivery for HashiCorp Nomad (docs/api.md).' },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (drv_...)' } },
    },
    paths,
  };
}

function operation(route: RouteDoc, ref: (schema: z.ZodType) => object): Record<string, unknown> {
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, param]) => ({
      name: param,
      in: 'path',
      required: true,
      schema: param === 'id' ? { type: 'integer', minimum: 1 } : { type: 'string' },
    })),
    ...Object.entries(route.query ?? {}).map(([param, q]) => ({
      name: param,
      in: 'query',
      required: false,
      description: q.description,
      schema: plain(q.schema),
    })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    const mediaType = answer.mediaType ?? 'application/json';
    const content = answer.schema ? { [mediaType]: { schema: ref(answer.schema) } } : { [mediaType]: {} };
    responses[status] = { description: answer.description, content };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...(route.errors ?? []), ...COMMON_ERRORS]))
    byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  for (const [status, codes] of byStatus) {
    responses[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: ref(s.errorBody) } },
    };
  }
  return {
    summary: route.summary,
    'x-drover-role': route.role,
    ...(route.role === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: false, content: { 'application/json': { schema: ref(route.body) } } } }
      : {}),
    responses,
  };
}

/** A small inline schema (a query parameter's), without the JSON Schema header. */
function plain(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

/** `GET /api/v1/openapi.json`: public, so clients and generators can read it before they have a token. */
export function registerOpenApi(api: Hono<AuthEnv>, version: string): void {
  let document: Record<string, unknown> | undefined;
  api.get('/api/v1/openapi.json', (c) => c.json((document ??= openApiDocument(version))));
}

/** The route documented for a request, with its path parameters (for response checks in tests). */
export function findRoute(method: string, path: string): RouteDoc | undefined {
  return ROUTES.find((route) => {
    if (route.method !== method.toLowerCase()) return false;
    const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`);
    return pattern.test(path);
  });
}
