import { randomBytes } from 'node:crypto';
import { NomadClient, nomadOptionsFromEnv } from '../../src/nomad/index.js';
import type { NomadJob } from '../../src/domain/job.js';
import { startSim, type RunningSim, type SimOptions } from '../../sim/server.js';

/** What a contract case runs against: the simulator, or a real agent from NOMAD_* variables. */
export type Target = {
  kind: 'sim' | 'nomad';
  nomad: NomadClient;
  address: string;
  /** Present only for the simulator: its `/_sim` controls (fault injection). */
  sim?: RunningSim;
  /** Makes job, variable and namespace names unique to this run (real clusters are shared). */
  name(base: string): string;
  close(): Promise<void>;
};

/** Options the contract runs use for the simulator: short delays so scheduling finishes quickly. */
export const CONTRACT_SIM: SimOptions = { allocDelayMs: 20, heartbeatMs: 100, nodes: 2 };

export async function simTarget(options: SimOptions = CONTRACT_SIM): Promise<Target> {
  const sim = await startSim({ ...options, port: 0 });
  const nomad = new NomadClient({
    address: sim.url,
    token: options.aclBootstrapToken,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  return {
    kind: 'sim',
    nomad,
    address: sim.url,
    sim,
    name: (base) => base,
    close: async () => {
      await nomad.close();
      await sim.close();
    },
  };
}

export function nomadTarget(): Target {
  const options = nomadOptionsFromEnv();
  const nomad = new NomadClient({ ...options, retry: { baseDelayMs: 50, maxDelayMs: 500 } });
  const run = randomBytes(3).toString('hex');
  return {
    kind: 'nomad',
    nomad,
    address: options.address,
    name: (base) => `drover-contract-${run}-${base}`,
    close: () => nomad.close(),
  };
}

/** A small valid service job. */
export function serviceJob(id: string, overrides: Partial<NomadJob> = {}, image = 'nginx:1.27', count = 1): NomadJob {
  return {
    ID: id,
    Type: 'service',
    Datacenters: ['*'],
    Meta: { 'drover.app': 'contract' },
    TaskGroups: [
      {
        Name: 'web',
        Count: count,
        Tasks: [{ Name: 'server', Driver: 'docker', Config: { image }, Resources: { CPU: 100, MemoryMB: 64 } }],
      },
    ],
    ...overrides,
  };
}

/** Polls `probe` until it returns a value (a guard against hanging, not a timing assertion). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** Posts to the simulator's `/_sim` control API. */
export async function control(target: Target, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(`${target.address}/_sim${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`/_sim${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
