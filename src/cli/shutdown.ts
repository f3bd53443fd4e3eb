/** Runs `stop` once on the first SIGINT or SIGTERM; a second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  // Test harnesses set this so a child never outlives its parent: stdin closes when the parent dies.
  if (process.env.DROVER_STOP_ON_STDIN_EOF === '1') {
    process.stdin.on('end', () => handler('SIGTERM'));
    process.stdin.resume();
  }
}
