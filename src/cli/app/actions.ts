import type { SyncRun } from '../../store/sync-runs.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { CliError, EXIT } from '../exit.js';
import { statusColor } from '../output/color.js';
import { machine, parseFormat } from '../output/format.js';
import { appPath, clientFor, type AppView, type IO } from './io.js';
import { runSummary } from './run-report.js';

export type ActionFlags = ConnectionFlags & { output?: string; revision?: string };

type Answer = AppView & { run?: SyncRun };

/** `drover app rollback NAME RUN_ID` or `--revision SHA`: syncs that revision and pins the app there. */
export async function appRollback(name: string, runId: string | undefined, flags: ActionFlags, io: IO) {
  if ((runId === undefined) === (flags.revision === undefined)) {
    throw new CliError('give either a RUN_ID (from drover app history) or --revision SHA');
  }
  const id = runId === undefined ? undefined : Number(runId);
  if (id !== undefined && (!Number.isInteger(id) || id < 1))
    throw new CliError(`RUN_ID "${runId}" is not a run number`);
  const body = id !== undefined ? { id } : { revision: flags.revision };
  return report(name, await post(name, '/rollback', body, flags, io), flags, io, 'Pinned');
}

/** `drover app unpin NAME`: removes the pin so automated sync resumes. */
export async function appUnpin(name: string, flags: ActionFlags, io: IO) {
  return report(name, await post(name, '/unpin', undefined, flags, io), flags, io, 'Unpinned');
}

/** `drover app refresh NAME`: compares git and the cluster now (syncs only if the policy says so). */
export async function appRefresh(name: string, flags: ActionFlags, io: IO) {
  return report(name, await post(name, '/refresh', undefined, flags, io), flags, io, 'Refreshed');
}

function post(name: string, path: string, body: unknown, flags: ActionFlags, io: IO): Promise<Answer> {
  parseFormat(flags.output, ['table', 'json', 'yaml']);
  return clientFor(flags, io).post<Answer>(appPath(name, path), body);
}

function report(name: string, answer: Answer, flags: ActionFlags, io: IO, verb: string): number {
  const text = machine(parseFormat(flags.output, ['table', 'json', 'yaml']), answer);
  if (text !== undefined) {
    io.out.write(text);
  } else {
    if (answer.run) io.out.write(runSummary(answer.run, io, true));
    const { sync, health } = answer.status;
    const c = io.colors;
    const state = `${statusColor(c, sync.status)(sync.status)}, ${statusColor(c, health.status)(health.status)}`;
    io.out.write(
      `${verb} ${name}: ${state}${answer.status.pin ? `, pinned to ${answer.status.pin.revision.slice(0, 12)}` : ''}\n`,
    );
  }
  return answer.run?.result === 'Failed' ? EXIT.negative : EXIT.ok;
}
