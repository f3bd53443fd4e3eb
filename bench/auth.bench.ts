// Auth overhead benchmark (not a test): the cost the access-control chain adds to a request,
// as api.ts mounts it (Host/Origin check, audit hook, bearer token or session cookie checked
// against SQLite, role and scope), against the same route without it. Measured in-process
// (app.request, no socket) and over loopback HTTP with keep-alive. Goal: under 1 ms a request.
// Run with `npm run bench`; prints a table and writes bench/results/auth-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Hono, type Env } from 'hono';
import pino from 'pino';
import { Agent, request } from 'undici';
import { auditWrites } from '../src/server/auth/audit.js';
import { authenticate, checkOrigin, type AuthOptions } from '../src/server/auth/authenticate.js';
import { OriginGuard } from '../src/server/auth/origin.js';
import { inScope, requireRole, type AuthEnv } from '../src/server/auth/principal.js';
import { mountSessionRoutes } from '../src/server/auth/routes.js';
import { createApiToken } from '../src/server/auth/tokens.js';
import { listen } from '../src/server/listen.js';
import { SqliteStore } from '../src/store/sqlite/adapter.js';
import { tempDir } from '../test/helpers/git.js';

const REQUESTS = 4000;
const ROUNDS = 5;
const APP = { name: 'web', status: { sync: { status: 'Synced' } } };

const dir = tempDir('drover-bench-auth-');
const store = SqliteStore.open(join(dir.path, 'drover.db'));
const logger = pino({ level: 'silent' });
const { secret } = await createApiToken(store, { role: 'viewer', apps: ['web*'], name: 'bench' });

function bare(): Hono {
  const app = new Hono();
  app.get('/api/v1/apps/:name', (c) => c.json(APP));
  return app;
}

function guarded(options: AuthOptions): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use('*', checkOrigin(options.guard));
  app.use('/api/v1/*', auditWrites(store, logger), authenticate(options));
  app.get('/api/v1/apps/:name', requireRole('viewer'), (c) =>
    inScope(c.get('principal'), c.req.param('name'), 'default') ? c.json(APP) : c.notFound(),
  );
  return app;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function inProcess<E extends Env>(app: Hono<E>, headers: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const res = await app.request('http://127.0.0.1:1/api/v1/apps/web', { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`answered ${res.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

async function overHttp(url: string, headers: Record<string, string>, agent: Agent): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const res = await request(`${url}/api/v1/apps/web`, { headers, dispatcher: agent });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`);
    times.push(performance.now() - start);
  }
  return times;
}

const guard = new OriginGuard('127.0.0.1', undefined);
const options: AuthOptions = {
  config: { disabled: false, sessionTtlMs: 3_600_000, roleBindings: [] },
  store,
  guard,
  sessions: { ttlMs: 3_600_000, secure: false },
  logger,
};
const plain = bare();
const authed = guarded(options);
const servers = { bare: await listen(plain, '127.0.0.1', 0), auth: await listen(authed, '127.0.0.1', 0) };
guard.setPort(Number(new URL(servers.auth.url).port));
const inProcessGuard = new OriginGuard('127.0.0.1', undefined);
inProcessGuard.setPort(1);
const authedInProcess = guarded({ ...options, guard: inProcessGuard });
// A session cookie, made the way POST /api/v1/session makes it.
const session = await (async () => {
  const app = new Hono<AuthEnv>();
  mountSessionRoutes(app, options);
  const res = await app.request('http://127.0.0.1:1/api/v1/session', {
    method: 'POST',
    body: JSON.stringify({ token: secret }),
  });
  return res.headers.get('set-cookie')!.split(';')[0]!;
})();

const bearer = { authorization: `Bearer ${secret}` };
const agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
const samples: Record<string, number[]> = {};
const add = (key: string, xs: number[]) => (samples[key] = [...(samples[key] ?? []), ...xs]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so drift in machine load hits every variant alike.
    add('in-process, no auth', await inProcess(plain, {}));
    add('in-process, bearer token', await inProcess(authedInProcess, bearer));
    add('in-process, session cookie', await inProcess(authedInProcess, { cookie: session }));
    add('loopback HTTP, no auth', await overHttp(servers.bare.url, {}, agent));
    add('loopback HTTP, bearer token', await overHttp(servers.auth.url, bearer, agent));
    add('loopback HTTP, session cookie', await overHttp(servers.auth.url, { cookie: session }, agent));
  }
} finally {
  await agent.close();
  await servers.bare.close();
  await servers.auth.close();
  await store.close();
  dir.cleanup();
}

const rows = Object.entries(samples).map(([variant, xs]) => {
  const base = samples[variant.startsWith('in-process') ? 'in-process, no auth' : 'loopback HTTP, no auth']!;
  return {
    variant,
    requests: xs.length,
    meanMs: mean(xs),
    p50Ms: pct(xs, 0.5),
    p99Ms: pct(xs, 0.99),
    addedMs: mean(xs) - mean(base),
  };
});
console.log(
  `auth benchmark: ${REQUESTS * ROUNDS} sequential GET /api/v1/apps/web per variant, node ${process.version}`,
);
console.log('variant                         mean ms   p50 ms    p99 ms    added ms (mean)');
for (const r of rows) {
  const cells = [r.meanMs, r.p50Ms, r.p99Ms, r.addedMs].map((n) => n.toFixed(3).padEnd(10)).join('');
  console.log(`${r.variant.padEnd(32)}${cells}`.trimEnd());
}
const worst = Math.max(...rows.map((r) => r.addedMs));
console.log(`auth adds at most ${worst.toFixed(3)} ms a request (goal: under 1 ms): ${worst < 1 ? 'ok' : 'OVER'}`);
mkdirSync('bench/results', { recursive: true });
const out = join('bench/results', `auth-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  out,
  JSON.stringify({ benchmark: 'auth', node: process.version, rows, worstAddedMs: worst }, null, 2) + '\n',
);
console.log(`wrote ${out}`);
process.exit(worst < 1 ? 0 : 1);
