import type { Hono, MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HEALTH_ORDER } from '../domain/app.js';
import type { Telemetry } from '../domain/telemetry.js';
import type { AuthEnv } from './auth/principal.js';

const SYNC_STATUSES = ['Synced', 'OutOfSync', 'Unknown'] as const;
/** Seconds: from a cached no-change reconcile (milliseconds) to a slow sync of many jobs (minutes). */
const SLOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds: one HTTP request or git fetch. */
const CALL_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What the queue gauges read when scraped. */
export type LoadSource = () => { queued: number; busy: number };

/**
 * Drover's Prometheus metrics (docs/metrics.md lists every one): a registry of its own, the
 * {@link Telemetry} that feeds it, and process metrics. prom-client is used here only.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly reconciles = new Counter({
    name: 'drover_reconciles_total',
    help: 'Reconciles by app and result (ok, error).',
    labelNames: ['app', 'result'],
    registers: [this.registry],
  });
  private readonly reconcileSeconds = new Histogram({
    name: 'drover_reconcile_duration_seconds',
    help: 'Time one reconcile took, by app and result.',
    labelNames: ['app', 'result'],
    buckets: SLOW_BUCKETS,
    registers: [this.registry],
  });
  private readonly syncs = new Counter({
    name: 'drover_syncs_total',
    help: 'Sync runs (writes to Nomad) by app and result (Succeeded, Failed).',
    labelNames: ['app', 'result'],
    registers: [this.registry],
  });
  private readonly syncSeconds = new Histogram({
    name: 'drover_sync_duration_seconds',
    help: 'Time one sync run took, by app and result.',
    labelNames: ['app', 'result'],
    buckets: SLOW_BUCKETS,
    registers: [this.registry],
  });
  private readonly syncStatus = new Gauge({
    name: 'drover_app_sync_status',
    help: "1 for the app's current sync status (Synced, OutOfSync, Unknown), 0 for the others.",
    labelNames: ['app', 'status'],
    registers: [this.registry],
  });
  private readonly healthStatus = new Gauge({
    name: 'drover_app_health_status',
    help: "1 for the app's current health (Healthy ... Unknown), 0 for the others.",
    labelNames: ['app', 'status'],
    registers: [this.registry],
  });
  private readonly fetches = new Counter({
    name: 'drover_git_fetches_total',
    help: 'Git fetches by repository (URL without credentials) and outcome (ok, error).',
    labelNames: ['repo', 'outcome'],
    registers: [this.registry],
  });
  private readonly fetchSeconds = new Histogram({
    name: 'drover_git_fetch_duration_seconds',
    help: 'Time one git fetch took, by repository and outcome.',
    labelNames: ['repo', 'outcome'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly nomadRequests = new Counter({
    name: 'drover_nomad_requests_total',
    help: 'HTTP requests to Nomad by cluster, method and outcome (ok, error, network); blocking queries included.',
    labelNames: ['cluster', 'method', 'outcome'],
    registers: [this.registry],
  });
  private readonly nomadSeconds = new Histogram({
    name: 'drover_nomad_request_duration_seconds',
    help: 'Time to the answer of one Nomad request (blocking queries left out: their time is the wait).',
    labelNames: ['cluster', 'method', 'outcome'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: 'drover_webhook_deliveries_total',
    help: 'Push webhook deliveries by provider and result.',
    labelNames: ['provider', 'result'],
    registers: [this.registry],
  });

  /** `load` is read at each scrape for the queue gauges. */
  constructor(load: LoadSource) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'drover_queue_depth',
      help: 'Reconciles waiting for a worker.',
      registers: [this.registry],
      collect() {
        this.set(load().queued);
      },
    });
    new Gauge({
      name: 'drover_workers_busy',
      help: 'Reconciles running now.',
      registers: [this.registry],
      collect() {
        this.set(load().busy);
      },
    });
  }

  /** The telemetry calls that feed these metrics. */
  readonly telemetry: Telemetry = {
    reconciled: (app, result, seconds) => {
      this.reconciles.inc({ app, result });
      this.reconcileSeconds.observe({ app, result }, seconds);
    },
    synced: (app, result, seconds) => {
      this.syncs.inc({ app, result });
      this.syncSeconds.observe({ app, result }, seconds);
    },
    appStatus: (app, sync, health) => {
      for (const status of SYNC_STATUSES) this.syncStatus.set({ app, status }, status === sync ? 1 : 0);
      for (const status of HEALTH_ORDER) this.healthStatus.set({ app, status }, status === health ? 1 : 0);
    },
    appRemoved: (app) => {
      for (const status of SYNC_STATUSES) this.syncStatus.remove({ app, status });
      for (const status of HEALTH_ORDER) this.healthStatus.remove({ app, status });
    },
    gitFetched: (repo, outcome, seconds) => {
      this.fetches.inc({ repo, outcome });
      this.fetchSeconds.observe({ repo, outcome }, seconds);
    },
    nomadRequest: (cluster, { method, outcome, seconds, blocking }) => {
      this.nomadRequests.inc({ cluster, method, outcome });
      if (!blocking) this.nomadSeconds.observe({ cluster, method, outcome }, seconds);
    },
    webhookDelivered: (provider, result) => this.webhooks.inc({ provider, result }),
  };
}

/**
 * `GET /metrics` in Prometheus' text format. It needs no session; `guard` (part A's optional
 * bearer-token check) runs first when given.
 */
export function registerMetrics(api: Hono<AuthEnv>, metrics: Metrics, guard?: MiddlewareHandler): void {
  const handler = async () =>
    new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } });
  if (guard) api.get('/metrics', guard as MiddlewareHandler<AuthEnv>, handler);
  else api.get('/metrics', handler);
}
