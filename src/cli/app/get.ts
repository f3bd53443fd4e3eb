import type { AppView } from '../../server/app-view.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { statusColor } from '../output/color.js';
import { ago, machine, parseFormat } from '../output/format.js';
import { table } from '../output/table.js';
import { appPath, clientFor, type IO } from './io.js';

export type GetFlags = ConnectionFlags & { output?: string };

/** `drover app get NAME`: source, destination, policy, conditions, jobs, last sync and pin. */
export async function appGet(name: string, flags: GetFlags, io: IO): Promise<number> {
  const format = parseFormat(flags.output, ['table', 'json', 'yaml']);
  const app = await clientFor(flags, io).get<AppView>(appPath(name));
  const text = machine(format, app);
  io.out.write(text ?? describe(app, io));
  return 0;
}

function describe(app: AppView, io: IO): string {
  const c = io.colors;
  const { sync, health, lastSync, pin } = app.status;
  const fields: Array<[string, string]> = [
    ['Name', app.name],
    ['Source', `${app.source.repoURL} @ ${app.source.revision}, path ${app.source.path}`],
    ['Destination', destination(app)],
    ['Sync policy', policy(app)],
    ['Sync', `${statusColor(c, sync.status)(sync.status)}${revisions(sync)}`],
    ['Health', `${statusColor(c, health.status)(health.status)}${health.message ? ` (${health.message})` : ''}`],
    ['Last sync', lastSyncText(lastSync, io)],
    ['Pinned', pin ? `to ${pin.revision.slice(0, 12)} since ${pin.at} (${pin.reason})` : 'no'],
  ];
  const width = Math.max(...fields.map(([k]) => k.length)) + 2;
  let out = fields.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n') + '\n';
  if (app.status.conditions.length > 0) {
    const rows = app.status.conditions.map((cond) => [cond.type, cond.message]);
    out += '\nConditions:\n' + indent(table(['TYPE', 'MESSAGE'], rows, columns(io)));
  }
  const jobs = app.status.jobs.map((job) => [
    job.namespace,
    job.id,
    statusColor(c, job.status === 'Synced' ? 'Synced' : 'OutOfSync')(job.status),
    job.health ? statusColor(c, job.health.status)(job.health.status) : '-',
    job.diffCount ? String(job.diffCount) : '',
    job.file ?? '',
  ]);
  out += '\nJobs:\n';
  out +=
    jobs.length === 0 ? '  none\n' : indent(table(['NAMESPACE', 'JOB', 'STATUS', 'HEALTH', 'DIFFS', 'FILE'], jobs));
  return out;
}

function destination(app: AppView): string {
  const { cluster, namespace, region } = app.destination;
  return `cluster ${cluster}, namespace ${namespace}${region ? `, region ${region}` : ''}`;
}

function policy(app: AppView): string {
  const p = app.syncPolicy;
  const flags = [p.automated ? 'automated' : 'manual'];
  if (p.prune) flags.push('prune');
  if (p.selfHeal) flags.push('self-heal');
  if (p.allowEmpty) flags.push('allow-empty');
  if (p.adopt) flags.push('adopt');
  if (p.purge) flags.push('purge');
  return flags.join(', ');
}

function revisions(sync: AppView['status']['sync']): string {
  const at = sync.revision ? ` at ${sync.revision.slice(0, 12)}` : '';
  const target = sync.targetRevision && sync.targetRevision !== sync.revision;
  return at + (target ? `, git at ${sync.targetRevision!.slice(0, 12)}` : '');
}

function lastSyncText(lastSync: AppView['status']['lastSync'], io: IO): string {
  if (!lastSync) return 'never';
  const result = statusColor(io.colors, lastSync.result)(lastSync.result);
  const run = lastSync.id !== undefined ? `run #${lastSync.id}, ` : '';
  const why = lastSync.message ? `: ${lastSync.message}` : '';
  return `${result} ${ago(lastSync.finishedAt)} (${run}${lastSync.trigger ?? 'sync'}, ${lastSync.revision.slice(0, 12)})${why}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

function columns(io: IO): number | undefined {
  return io.columns === undefined ? undefined : io.columns - 2;
}
