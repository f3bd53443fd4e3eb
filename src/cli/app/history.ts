import type { SyncRun } from '../../store/sync-runs.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { CliError } from '../exit.js';
import { statusColor } from '../output/color.js';
import { ago, machine, parseFormat, short } from '../output/format.js';
import { table } from '../output/table.js';
import { appPath, clientFor, type IO } from './io.js';

export type HistoryFlags = ConnectionFlags & { limit?: string; output?: string };

/** `drover app history NAME`: sync runs, newest first. */
export async function appHistory(name: string, flags: HistoryFlags, io: IO): Promise<number> {
  const format = parseFormat(flags.output);
  const limit = Number(flags.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`-n ${flags.limit}: expected a positive number`);
  const answer = await clientFor(flags, io).get<{ history: SyncRun[] }>(appPath(name, `/history?limit=${limit}`));
  const text = machine(format, answer);
  if (text !== undefined) {
    io.out.write(text);
    return 0;
  }
  const wide = format === 'wide';
  const header = ['ID', 'STARTED', 'TRIGGER', 'REVISION', 'RESULT', 'DURATION', 'AUTHOR', 'SUBJECT'];
  if (wide) header.splice(7, 0, 'REQUESTED BY', 'JOBS');
  const rows = answer.history.map((run) => {
    const row = [
      String(run.id ?? ''),
      wide ? run.startedAt : ago(run.startedAt),
      run.trigger,
      short(run.revision),
      statusColor(io.colors, run.result)(run.result),
      run.durationMs !== undefined ? `${(run.durationMs / 1000).toFixed(1)}s` : '-',
      run.author ?? '',
      run.subject ?? '',
    ];
    if (wide) row.splice(7, 0, requestedBy(run), String(run.jobs.length));
    return row;
  });
  io.out.write(rows.length === 0 ? `No sync runs for ${name}.\n` : table(header, rows, io.columns));
  return 0;
}

function requestedBy(run: SyncRun): string {
  const who = (run as SyncRun & { requestedBy?: { name?: string; id?: string; email?: string } }).requestedBy;
  return who?.email ?? who?.name ?? who?.id ?? '';
}
