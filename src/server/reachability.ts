import type { Telemetry } from '../domain/telemetry.js';

/** The last time something answered, the last failure, and whether the latest call succeeded. */
export type Contact = {
  reachable: boolean | undefined;
  lastContact?: string;
  lastError?: { at: string; message: string };
};

/**
 * Remembers, per cluster and per repository, the last successful contact and the last error,
 * fed by the same telemetry calls as the metrics. Error texts come from the Nomad client and
 * git, which already strip credentials.
 */
export class Reachability {
  private readonly clusters = new Map<string, Contact>();
  private readonly repos = new Map<string, Contact>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  cluster(name: string): Contact {
    return this.clusters.get(name) ?? { reachable: undefined };
  }

  repository(redactedURL: string): Contact {
    return this.repos.get(redactedURL) ?? { reachable: undefined };
  }

  /** Records a successful contact with a cluster made outside the telemetry (a readiness probe). */
  clusterAnswered(name: string): void {
    this.record(this.clusters, name, true);
  }

  readonly telemetry: Partial<Telemetry> = {
    // Any HTTP answer means the cluster is reachable; 4xx answers (a missing job) are not its failures.
    nomadRequest: (cluster, info) => {
      const failed = info.outcome === 'network' || (info.status ?? 0) >= 500;
      this.record(this.clusters, cluster, info.outcome !== 'network', failed ? (info.error ?? 'failed') : undefined);
    },
    gitFetched: (repo, outcome, _seconds, error) =>
      this.record(this.repos, repo, outcome === 'ok', outcome === 'ok' ? undefined : (error ?? 'failed')),
  };

  private record(map: Map<string, Contact>, key: string, answered: boolean, error?: string): void {
    const at = this.now().toISOString();
    const previous = map.get(key);
    map.set(key, {
      reachable: answered,
      lastContact: answered ? at : previous?.lastContact,
      lastError: error ? { at, message: error } : previous?.lastError,
    });
  }
}
