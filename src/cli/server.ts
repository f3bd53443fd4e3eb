import { loadConfigFile } from '../config/load.js';
import { createLogger, startDrover } from '../main.js';
import { onShutdown } from './shutdown.js';

/** `drover server --config FILE [--insecure-no-auth]`: runs until SIGINT/SIGTERM, then finishes in-flight syncs. */
export async function serverCommand(options: { config: string; insecureNoAuth?: boolean }): Promise<void> {
  const logger = createLogger();
  const loaded = loadConfigFile(options.config);
  // startDrover refuses a disabled auth beyond loopback, whichever way it was asked for.
  const config = options.insecureNoAuth ? { ...loaded, auth: { ...loaded.auth, disabled: true } } : loaded;
  const drover = await startDrover(config, logger);
  process.stdout.write(`Drover listening on ${drover.url}\n`);
  // A deposed leader has already stopped writing; it exits so its scheduler restarts it as a follower
  // (the controller-runtime way), instead of restarting its controller in-process.
  void drover.lost?.then(async (reason) => {
    logger.error({ reason }, 'leadership lost: stopping so this instance restarts as a follower');
    await drover.stop();
    process.exit(3);
  });
  onShutdown(async () => {
    logger.info('shutting down: waiting for in-flight reconciles');
    await drover.stop();
  });
}
