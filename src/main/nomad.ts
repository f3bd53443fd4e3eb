import type { Config } from '../config/config.js';
import type { Telemetry } from '../domain/telemetry.js';
import { NomadClient } from '../nomad/index.js';
import { fileToken } from '../nomad/token.js';

/** One Nomad client per configured cluster, and the lookup every part uses. */
export function nomadClients(
  config: Config,
  telemetry: Telemetry,
): { clients: Map<string, NomadClient>; nomadFor: (cluster: string) => NomadClient } {
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
  return { clients, nomadFor };
}
