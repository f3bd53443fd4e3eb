import type { SyncRun } from '../../store/sync-runs.js';
import type { ApiClient } from '../connect/client.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { EXIT } from '../exit.js';
import { machine, parseFormat } from '../output/format.js';
import { renderDiff, type DiffView } from './diff.js';
import { appPath, clientFor, type AppView, type IO } from './io.js';
import { actionLine, runSummary } from './run-report.js';

export type SyncFlags = ConnectionFlags & {
  revision?: string;
  job?: string[];
  dryRun?: boolean;
  prune?: boolean;
  async?: boolean;
  output?: string;
};

type SyncAnswer = AppView & { run?: SyncRun; warnings?: string[] };

/**
 * `drover app sync NAME`: syncs now and prints each job as Drover writes it (from the event
 * stream), then the result. Exits 1 when the sync fails.
 */
export async function appSync(name: string, flags: SyncFlags, io: IO): Promise<number> {
  const format = parseFormat(flags.output, ['table', 'json', 'yaml']);
  const client = clientFor(flags, io);
  const body = {
    ...(flags.job?.length ? { jobs: flags.job } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.prune !== undefined ? { prune: flags.prune } : {}),
    ...(flags.revision ? { revision: flags.revision } : {}),
    ...(flags.async ? { async: true } : {}),
  };
  if (flags.dryRun) {
    const view = await client.post<DiffView>(appPath(name, '/sync'), body);
    io.out.write(machine(format, view) ?? renderDiff(view, io) + plannedLines(view, io));
    return EXIT.ok;
  }
  if (flags.async) {
    const answer = await client.post<unknown>(appPath(name, '/sync'), body);
    io.out.write(machine(format, answer) ?? `Sync of ${name} requested; follow it with drover app wait ${name}\n`);
    return EXIT.ok;
  }
  const progress = format === 'table' ? await followProgress(client, name, io) : undefined;
  let answer: SyncAnswer;
  try {
    answer = await client.post<SyncAnswer>(appPath(name, '/sync'), body);
  } finally {
    progress?.stop();
  }
  if (format !== 'table') {
    io.out.write(machine(format, answer)!);
  } else {
    for (const warning of answer.warnings ?? []) io.err.write(`drover: warning: ${warning}\n`);
    if (answer.run) io.out.write(runSummary(answer.run, io, !progress?.seen()));
  }
  return answer.run?.result === 'Failed' ? EXIT.negative : EXIT.ok;
}

function plannedLines(view: DiffView, io: IO): string {
  const planned = (view.actions ?? []).filter((a) => a.action !== 'unchanged');
  if (planned.length === 0) return 'Dry run: nothing to write.\n';
  return 'Dry run, would write:\n' + planned.map((a) => actionLine({ ...a, result: 'planned' } as never, io)).join('');
}

/**
 * Prints sync progress events for the app while the sync request runs. Starts before the
 * request so no event is missed; a server without an event stream just prints the summary.
 */
async function followProgress(client: ApiClient, name: string, io: IO) {
  const abort = new AbortController();
  let seen = 0;
  let ready: () => void;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  void client
    .events(
      (event) => {
        const data = event.data as { app?: string; action?: Parameters<typeof actionLine>[0] } | undefined;
        if (data?.app !== name || !data.action || event.event !== 'sync.job') return;
        seen++;
        io.out.write(actionLine(data.action, io));
      },
      abort.signal,
      () => ready(),
    )
    .catch(() => false)
    .finally(() => ready());
  // Wait until the server has accepted the stream, at most a second.
  await Promise.race([opened, new Promise((r) => setTimeout(r, 1000).unref())]);
  return {
    seen: () => seen > 0,
    stop: () => abort.abort(),
  };
}
