import { durationMs } from '../../domain/duration.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { CliError, EXIT } from '../exit.js';
import { appPath, clientFor, type AppView, type IO } from './io.js';

export type WaitFlags = ConnectionFlags & { sync?: boolean; health?: boolean; timeout?: string };

const POLL_MS = 1000;

/**
 * `drover app wait NAME`: 0 once the app is Synced at git's revision (`--sync`) and Healthy
 * (`--health`; both when neither is given), 1 on timeout, 3 as soon as it turns Degraded.
 * Status changes on the event stream wake it at once; it also looks every second.
 */
export async function appWait(name: string, flags: WaitFlags, io: IO): Promise<number> {
  const both = !flags.sync && !flags.health;
  const want = { sync: both || Boolean(flags.sync), health: both || Boolean(flags.health) };
  const timeoutMs = timeout(flags.timeout);
  const client = clientFor(flags, io);
  const deadline = Date.now() + timeoutMs;
  const abort = new AbortController();
  let wake: (() => void) | undefined;
  void client
    .events((event) => ((event.data as { app?: string })?.app === name ? wake?.() : undefined), abort.signal)
    .catch(() => undefined);
  try {
    for (;;) {
      const app = await client.get<AppView>(appPath(name));
      const { sync, health } = app.status;
      if (health.status === 'Degraded') {
        io.err.write(`drover: ${name} is Degraded: ${health.message ?? 'no message'}\n`);
        return EXIT.degraded;
      }
      const synced = sync.status === 'Synced' && sync.revision !== undefined && sync.revision === sync.targetRevision;
      if ((!want.sync || synced) && (!want.health || health.status === 'Healthy')) {
        io.out.write(`${name}: ${sync.status} at ${sync.revision?.slice(0, 12) ?? '-'}, ${health.status}\n`);
        return EXIT.ok;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const why = health.message ? ` (${health.message})` : '';
        io.err.write(
          `drover: timed out after ${flags.timeout ?? '5m'}: ${name} is ${sync.status}, ${health.status}${why}\n`,
        );
        return EXIT.negative;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(POLL_MS, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    abort.abort();
  }
}

function timeout(value: string | undefined): number {
  try {
    return durationMs(value ?? '5m');
  } catch {
    throw new CliError(`--timeout ${value}: expected a duration such as 30s, 5m or 1h`);
  }
}
