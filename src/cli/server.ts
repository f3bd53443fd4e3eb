import { loadConfigFile } from '../config/load.js';
import { createLogger, startDrover } from '../main.js';
import { onShutdown } from './shutdown.js';

/** `drover server --config FILE`: runs until SIGINT/SIGTERM, then finishes in-flight syncs. */
export async function serverCommand(options: { config: string }): Promise<void> {
  const logger = createLogger();
  const config = loadConfigFile(options.config);
  const drover = await startDrover(config, logger);
  process.stdout.write(`Drover listening on ${drover.url}\n`);
  onShutdown(async () => {
    logger.info('shutting down: waiting for in-flight reconciles');
    await drover.stop();
  });
}
