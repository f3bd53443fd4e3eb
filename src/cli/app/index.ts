import { Command, Option } from 'commander';
import type { ConnectionFlags } from '../connect/connection.js';
import { appRefresh, appRollback, appUnpin } from './actions.js';
import { appDiff } from './diff.js';
import { appGet } from './get.js';
import { appHistory } from './history.js';
import { processIO } from './io.js';
import { appList } from './list.js';
import { appSync } from './sync.js';
import { appWait } from './wait.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options every command that talks to a server takes. */
export function connectionOptions(command: Command): Command {
  return command
    .option('--server <url>', 'Drover server URL (or DROVER_ADDR, or the current context)')
    .option('--token <token>', 'API token (or DROVER_TOKEN, or the current context)')
    .option('--context <name>', 'use this saved context instead of the current one')
    .option('--ca-file <file>', "PEM file of the CA that signed the server's certificate")
    .option('--insecure-skip-verify', "don't verify the server's TLS certificate");
}

const output = (formats: string) => new Option('-o, --output <format>', `output format: ${formats}`).default('table');

/** Runs a command and sets the exit code it returns. */
function run<A extends unknown[]>(fn: (...args: A) => Promise<number> | number) {
  return async (...args: A) => {
    process.exitCode = await fn(...args);
  };
}

/** `drover app ...`: the commands people and pipelines use against a running server. */
export function appCommand(): Command {
  const app = new Command('app').description('list, inspect, diff, sync and roll back apps on a Drover server');
  connectionOptions(app.command('list').description('list apps with their sync and health'))
    .option('--sync <status>', 'only apps with this sync status (Synced, OutOfSync, Unknown)')
    .option('--health <status>', 'only apps with this health (Healthy, Progressing, Degraded, ...)')
    .option('--cluster <name>', 'only apps deploying to this cluster')
    .option('--namespace <name>', 'only apps deploying to this namespace')
    .option('--project <name>', 'only apps of this project')
    .option('--app-set <name>', 'only apps this app set generated')
    .addOption(output('table, wide, json, yaml'))
    .action(run((flags) => appList(flags, processIO())));
  connectionOptions(app.command('get').description("show an app's source, policy, conditions and jobs"))
    .argument('<name>')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, flags) => appGet(name, flags, processIO())));
  connectionOptions(
    app.command('diff').description('show what a sync would change (exit 0 in sync, 1 differences, 2 error)'),
  )
    .argument('<name>')
    .option('--revision <sha>', 'compare this commit instead of the tracked revision')
    .option('--local <path>', 'compare job files from a local directory (e.g. a pull request) with no commit')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, flags) => appDiff(name, flags, processIO())));
  connectionOptions(app.command('sync').description('sync now, printing each job as it is written'))
    .argument('<name>')
    .option('--revision <sha>', 'sync this commit')
    .option('--job <id>', 'sync only this job (repeatable)', collect)
    .option('--dry-run', 'show what would be written, and write nothing')
    .option('--prune', 'also prune jobs git no longer has')
    .option('--async', 'ask for the sync and return at once')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, flags) => appSync(name, flags, processIO())));
  connectionOptions(app.command('wait').description('wait until Synced and/or Healthy (exit 1 timeout, 3 Degraded)'))
    .argument('<name>')
    .option('--sync', 'wait until Synced at the revision git points at')
    .option('--health', 'wait until Healthy')
    .option('--timeout <duration>', 'give up after this long', '5m')
    .action(run((name: string, flags) => appWait(name, flags, processIO())));
  connectionOptions(app.command('history').description('list sync runs, newest first'))
    .argument('<name>')
    .option('-n, --limit <n>', 'how many runs', '20')
    .addOption(output('table, wide, json, yaml'))
    .action(run((name: string, flags) => appHistory(name, flags, processIO())));
  connectionOptions(app.command('rollback').description('sync an earlier run or revision and pin the app there'))
    .argument('<name>')
    .argument('[run-id]', 'a run from drover app history')
    .option('--revision <sha>', 'roll back to this commit instead of a run')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, runId: string | undefined, flags) => appRollback(name, runId, flags, processIO())));
  connectionOptions(app.command('unpin').description('remove a rollback pin so automated sync resumes'))
    .argument('<name>')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, flags) => appUnpin(name, flags, processIO())));
  connectionOptions(app.command('refresh').description('compare git with the cluster now'))
    .argument('<name>')
    .addOption(output('table, json, yaml'))
    .action(run((name: string, flags) => appRefresh(name, flags, processIO())));
  return app;
}

export type { ConnectionFlags };
