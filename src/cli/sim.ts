import { durationMs } from '../domain/duration.js';
import { DroverError } from '../domain/errors.js';
import { startSim } from '../../sim/server.js';
import { onShutdown } from './shutdown.js';

export type SimCommandOptions = {
  host: string;
  port: string;
  region: string;
  aclBootstrapToken?: string;
  acl?: boolean;
  nodes: string;
  allocDelay: string;
  latency?: string;
  failJob: string[];
  failRequests: string[];
};

/** `drover sim`: a Nomad API simulator on loopback. */
export async function simCommand(options: SimCommandOptions): Promise<void> {
  const nodes = Number(options.nodes);
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new DroverError('DROVER_ERR_CONFIG', `--nodes: expected a positive integer, got "${options.nodes}"`);
  const sim = await startSim({
    host: options.host,
    port: Number(options.port),
    region: options.region,
    aclBootstrapToken: options.aclBootstrapToken || process.env.DROVER_SIM_ACL_TOKEN || undefined,
    acl: options.acl === true,
    nodes,
    allocDelayMs: parseFlagDuration('--alloc-delay', options.allocDelay),
    latencyMs: options.latency ? parseFlagDuration('--latency', options.latency) : 0,
    failAllocations: options.failJob.map(parseFailJob),
    failRequests: options.failRequests.map(parseFailRequests),
  });
  const acl = sim.sim.acl.enabled ? ' (ACLs on)' : '';
  process.stdout.write(`Nomad simulator listening on ${sim.url}${acl} (export NOMAD_ADDR=${sim.url})\n`);
  onShutdown(() => sim.close());
}

function parseFlagDuration(flag: string, value: string): number {
  try {
    return durationMs(value);
  } catch {
    throw new DroverError('DROVER_ERR_CONFIG', `${flag}: expected a duration such as "500ms" or "2s", got "${value}"`);
  }
}

/** `[namespace/]job[:task]`, e.g. `web`, `prod/web:server`. */
function parseFailJob(value: string): { namespace: string; job: string; task?: string } {
  const [target = '', task] = value.split(':');
  const slash = target.indexOf('/');
  const namespace = slash > 0 ? target.slice(0, slash) : 'default';
  const job = slash > 0 ? target.slice(slash + 1) : target;
  if (job === '')
    throw new DroverError('DROVER_ERR_CONFIG', `--fail-job: expected [namespace/]job[:task], got "${value}"`);
  return { namespace, job, ...(task ? { task } : {}) };
}

/** `STATUS:COUNT:PATH[:METHOD]`, e.g. `500:3:/v1/jobs` or `503:1:/v1/job/web:PUT`. */
function parseFailRequests(value: string): { status: number; count: number; path: string; method?: string } {
  const match = /^(\d{3}):(\d+):(\/[^:]*)(?::([A-Za-z]+))?$/.exec(value);
  const status = Number(match?.[1]);
  if (!match || status < 400 || status > 599)
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `--fail-requests: expected STATUS:COUNT:PATH[:METHOD] with a 4xx or 5xx status, got "${value}"`,
    );
  return { status, count: Number(match[2]), path: match[3]!, ...(match[4] ? { method: match[4].toUpperCase() } : {}) };
}
