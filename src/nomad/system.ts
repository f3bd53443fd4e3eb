import type { NomadHTTP, QueryMeta, QueryOptions } from './client.js';
import type { ACLToken } from './types.js';

/** The parts of /v1/agent/self Drover reads (top-level keys are lower-case in Nomad's answer). */
export type AgentSelf = {
  config: {
    Region: string;
    Datacenter: string;
    NodeName?: string;
    Version: { Version: string; VersionPrerelease: string; VersionMetadata: string } | string;
    ACL?: { Enabled: boolean };
    [key: string]: unknown;
  };
  member: {
    Name: string;
    Addr: string;
    Port: number;
    Tags: Record<string, string>;
    Status: string;
    [key: string]: unknown;
  };
  stats: Record<string, unknown>;
};

/** Agent, status and ACL-self endpoints: who answers and who is asking. */
export class System {
  constructor(private readonly http: NomadHTTP) {}

  async agentSelf(options: QueryOptions = {}): Promise<AgentSelf> {
    const { data } = await this.http.request<AgentSelf>({ method: 'GET', path: '/v1/agent/self', options });
    return data;
  }

  /** The agent's Nomad version, whether `config.Version` is an object (current) or a string (old agents). */
  async version(options: QueryOptions = {}): Promise<string> {
    const { config } = await this.agentSelf(options);
    return typeof config.Version === 'string' ? config.Version : config.Version.Version;
  }

  /** The leader's RPC address (`"127.0.0.1:4647"`). */
  async leader(options: QueryOptions = {}): Promise<string> {
    const { data } = await this.http.request<string>({ method: 'GET', path: '/v1/status/leader', options });
    return data;
  }

  /** The caller's own ACL token (a placeholder token when ACLs are disabled). */
  async tokenSelf(options: QueryOptions = {}): Promise<{ token: ACLToken; meta: QueryMeta }> {
    const { data, meta } = await this.http.request<ACLToken>({ method: 'GET', path: '/v1/acl/token/self', options });
    return { token: data, meta };
  }
}
