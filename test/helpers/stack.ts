import { join } from 'node:path';
import pino from 'pino';
import { startSim, type RunningSim } from '../../sim/server.js';
import { parseConfig } from '../../src/config/load.js';
import { startDrover, type RunningDrover, type StartOptions } from '../../src/main.js';
import { createApiToken } from '../../src/server/auth/tokens.js';
import { SqliteStore } from '../../src/store/sqlite/adapter.js';
import { TestRepo, tempDir } from './git.js';
import { NomadProxy } from './nomad-proxy.js';
import { checkResponse } from './openapi-check.js';

export type StackOptions = {
  /** App blocks in the config's JSON form; `repository: "jobs"` points at the test repo. */
  apps: Record<string, Record<string, unknown>>;
  pollInterval?: string;
  /** Start Drover against this Nomad address instead of a fresh simulator. */
  nomadAddress?: string;
  /** Passed to startDrover (e.g. how often the store is checked). */
  start?: StartOptions;
  /** Keys added to the `jobs` repository block (e.g. webhook_secret_file). */
  repository?: Record<string, unknown>;
  /** More top-level config keys (`auth`, `external_url`, ...). */
  config?: Record<string, unknown>;
};

/** A Stack whose Drover reaches the simulator through a NomadProxy. */
export type ProxiedStack = Stack & { proxy: NomadProxy };

/** A simulator, a git repository and Drover, in this process, on loopback. */
export class Stack {
  readonly dir = tempDir('drover-stack-');
  readonly repo = new TestRepo(join(this.dir.path, 'repo'));
  sim!: RunningSim;
  /** Between Drover and the simulator, for the fault tests (see startBehindProxy). */
  proxy?: NomadProxy;
  drover!: RunningDrover;
  /** An admin token, created in the data dir before each start; api() sends it. */
  adminToken!: string;
  private options!: StackOptions;

  static async start(options: StackOptions, seed?: (repo: TestRepo) => void): Promise<Stack> {
    const stack = new Stack();
    stack.options = options;
    seed?.(stack.repo);
    if (!options.nomadAddress) stack.sim = await startSim({ port: 0 });
    await stack.startDrover();
    return stack;
  }

  /** A simulator behind a fault-injecting proxy that Drover talks to; stop() closes all three. */
  static async startBehindProxy(
    options: Omit<StackOptions, 'nomadAddress'>,
    seed?: (repo: TestRepo) => void,
  ): Promise<ProxiedStack> {
    const sim = await startSim({ port: 0 });
    const proxy = await NomadProxy.start(sim.url);
    const stack = await Stack.start({ ...options, nomadAddress: proxy.url }, seed);
    stack.sim = sim;
    stack.proxy = proxy;
    return stack as ProxiedStack;
  }

  get nomadAddress(): string {
    return this.options.nomadAddress ?? this.sim.url;
  }

  async startDrover(): Promise<void> {
    const config = parseConfig(
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(this.dir.path, 'data'),
        cluster: { default: { address: this.nomadAddress } },
        repository: {
          jobs: { url: this.repo.path, poll_interval: this.options.pollInterval ?? '1h', ...this.options.repository },
        },
        app: this.options.apps,
        ...this.options.config,
      }),
      join(this.dir.path, 'drover.json'),
      { env: {} },
    );
    // A fresh token on every start: a test may have deleted the database in between.
    const store = SqliteStore.open(join(config.dataDir, 'drover.db'));
    this.adminToken = (await createApiToken(store, { role: 'admin', name: 'test-stack' })).secret;
    await store.close();
    this.drover = await startDrover(config, pino({ level: 'silent' }), this.options.start);
  }

  /** Calls Drover's API and returns the parsed JSON body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary by route; tests assert on them
  async api<T = any>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    // An empty authorization header means "send none".
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${this.adminToken}`);
    else if (headers.get('authorization') === '') headers.delete('authorization');
    if (json !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${this.drover.url}${path}`, {
      ...rest,
      headers,
      ...(json !== undefined ? { method: rest.method ?? 'POST', body: JSON.stringify(json) } : {}),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : null) as T;
    // Every answer the e2e tests see must match the OpenAPI document.
    checkResponse(rest.method ?? (json !== undefined ? 'POST' : 'GET'), path, response.status, body);
    return { status: response.status, body };
  }

  /** Calls the simulator's Nomad API. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  async nomad<T = any>(
    path: string,
    init: RequestInit & { json?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const { json, ...rest } = init;
    const response = await fetch(`${this.nomadAddress}${path}`, {
      ...rest,
      ...(json !== undefined ? { method: rest.method ?? 'PUT', body: JSON.stringify(json) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* plain-text error body */
    }
    return { status: response.status, body: body as T };
  }

  refresh(app: string) {
    return this.api(`/api/v1/apps/${app}/refresh`, { method: 'POST' });
  }

  /** Polls the app's view until `accept` returns true; fails naming `what` and the last status seen. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  async waitForApp(app: string, what: string, accept: (view: any) => boolean, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.api(`/api/v1/apps/${app}`);
      if (accept(body)) return body;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${app}: ${what}; last status ${JSON.stringify(body?.status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.drover?.stop();
    await this.proxy?.close();
    await this.sim?.close();
    this.dir.cleanup();
  }
}

/** A small service job in API JSON, wrapped as `nomad job run -output` prints it. */
export function serviceJob(
  id: string,
  options: { count?: number; image?: string; meta?: Record<string, string> } = {},
) {
  return {
    Job: {
      ID: id,
      Type: 'service',
      Datacenters: ['dc1'],
      ...(options.meta ? { Meta: options.meta } : {}),
      TaskGroups: [
        {
          Name: 'main',
          Count: options.count ?? 1,
          Tasks: [{ Name: 'app', Driver: 'docker', Config: { image: options.image ?? 'nginx:1.27' } }],
        },
      ],
    },
  };
}
