import type { HealthCode, SyncStatusCode } from './app.js';

/** How one call to the outside world ended: `ok`, an error answer, or no answer at all. */
export type Outcome = 'ok' | 'error' | 'network';

/**
 * What Drover reports about its own work, for metrics and for the reachability of clusters and
 * repositories. Code below the server calls it; the server's Prometheus registry (prom-client
 * lives only in server/) and the reachability tracker implement it. Every method is optional
 * to implement through {@link combineTelemetry}.
 */
export interface Telemetry {
  /** One reconcile of one app finished (`result`: ok or error). */
  reconciled(app: string, result: 'ok' | 'error', seconds: number): void;
  /** One sync run finished. */
  synced(app: string, result: 'Succeeded' | 'Failed', seconds: number): void;
  /** An app's current sync and health status. */
  appStatus(app: string, sync: SyncStatusCode, health: HealthCode): void;
  /** An app left the registry (its app set no longer generates it): its status series go. */
  appRemoved(app: string): void;
  /** One fetch of a repository mirror (`repo`: the URL without credentials). */
  gitFetched(repo: string, outcome: Outcome, seconds: number, error?: string): void;
  /** One HTTP request to a Nomad cluster; blocking queries are flagged, their latency is the wait. */
  nomadRequest(
    cluster: string,
    info: { method: string; outcome: Outcome; status?: number; seconds: number; blocking: boolean; error?: string },
  ): void;
  /** One push webhook delivery. */
  webhookDelivered(provider: string, result: string): void;
}

/** Telemetry that records nothing (tests, tools). */
export const noTelemetry: Telemetry = {
  reconciled: () => undefined,
  synced: () => undefined,
  appStatus: () => undefined,
  appRemoved: () => undefined,
  gitFetched: () => undefined,
  nomadRequest: () => undefined,
  webhookDelivered: () => undefined,
};

/** One telemetry that forwards every call to each of `parts` (which may implement only some methods). */
export function combineTelemetry(...parts: Array<Partial<Telemetry>>): Telemetry {
  const forward =
    <K extends keyof Telemetry>(key: K) =>
    (...args: Parameters<Telemetry[K]>) => {
      for (const part of parts) (part[key] as ((...a: Parameters<Telemetry[K]>) => void) | undefined)?.(...args);
    };
  return {
    reconciled: forward('reconciled'),
    synced: forward('synced'),
    appStatus: forward('appStatus'),
    appRemoved: forward('appRemoved'),
    gitFetched: forward('gitFetched'),
    nomadRequest: forward('nomadRequest'),
    webhookDelivered: forward('webhookDelivered'),
  };
}
