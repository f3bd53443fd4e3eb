import type { JobAction, SyncRun } from '../../store/sync-runs.js';
import { statusColor } from '../output/color.js';
import { table } from '../output/table.js';
import type { IO } from './io.js';

/** One job's line as a sync writes it: `  create  default/web  ok  eval 1a2b3c4d`. */
export function actionLine(
  action: Pick<JobAction, 'id' | 'namespace' | 'action' | 'result'> & Partial<JobAction>,
  io: IO,
) {
  const c = io.colors;
  const result =
    action.result === 'failed' ? c.red('failed') : action.result === 'planned' ? c.dim('planned') : c.green('ok');
  const extra = [action.evalId ? `eval ${action.evalId.slice(0, 8)}` : '', action.message ?? '']
    .filter(Boolean)
    .join(' ');
  return `  ${action.action.padEnd(9)} ${`${action.namespace}/${action.id}`.padEnd(30)} ${result}${extra ? `  ${extra}` : ''}\n`;
}

/** The end of a sync or rollback: its result, counts and every job's action. */
export function runSummary(run: SyncRun, io: IO, printActions: boolean): string {
  const counts = new Map<string, number>();
  for (const a of run.jobs) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  const parts = [...counts].map(([action, n]) => `${n} ${action}`).join(', ') || 'no jobs';
  const took = run.durationMs !== undefined ? ` in ${(run.durationMs / 1000).toFixed(1)}s` : '';
  let out = '';
  if (printActions && run.jobs.length > 0) {
    const rows = run.jobs.map((a) => [
      a.action,
      `${a.namespace}/${a.id}`,
      a.result,
      a.evalId?.slice(0, 8) ?? '',
      a.message ?? '',
    ]);
    out += table(['ACTION', 'JOB', 'RESULT', 'EVAL', 'MESSAGE'], rows, io.columns);
  }
  const result = statusColor(io.colors, run.result)(run.result);
  out += `Sync run #${run.id ?? '?'} of ${run.app} at ${run.revision.slice(0, 12)}: ${result} (${parts})${took}\n`;
  if (run.message) out += `  ${run.message}\n`;
  return out;
}
