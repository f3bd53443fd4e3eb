import { startSim } from '../../sim/server.js';
import { onShutdown } from './shutdown.js';

/** `drover sim`: a Nomad API simulator on loopback. */
export async function simCommand(options: { host: string; port: string; region: string }): Promise<void> {
  const sim = await startSim({ host: options.host, port: Number(options.port), region: options.region });
  process.stdout.write(`Nomad simulator listening on ${sim.url} (export NOMAD_ADDR=${sim.url})\n`);
  onShutdown(() => sim.close());
}
