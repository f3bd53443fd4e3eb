import { ago, machine, parseFormat, short } from '../output/format.js';
import { statusColor } from '../output/color.js';
import { table } from '../output/table.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { clientFor, type AppView, type IO } from './io.js';

export type ListFlags = ConnectionFlags & {
  sync?: string;
  health?: string;
  cluster?: string;
  namespace?: string;
  project?: string;
  appSet?: string;
  output?: string;
};

/** `drover app list`: one row per app, filtered on the client so any server version works. */
export async function appList(flags: ListFlags, io: IO): Promise<number> {
  const format = parseFormat(flags.output);
  const { apps } = await clientFor(flags, io).get<{ apps: AppView[] }>('/api/v1/apps');
  const shown = apps.filter(
    (app) =>
      matches(flags.sync, app.status.sync.status) &&
      matches(flags.health, app.status.health.status) &&
      matches(flags.cluster, app.destination.cluster) &&
      matches(flags.namespace, app.destination.namespace) &&
      matches(flags.project, app.project) &&
      matches(flags.appSet, app.appSet ?? ''),
  );
  const text = machine(format, { apps: shown });
  if (text !== undefined) {
    io.out.write(text);
    return 0;
  }
  const c = io.colors;
  const wide = format === 'wide';
  const header = ['NAME', 'SYNC', 'HEALTH', 'REVISION', 'LAST SYNC'];
  if (wide) header.push('REPOSITORY', 'PATH', 'CLUSTER', 'NAMESPACE', 'PROJECT', 'APP SET');
  header.push('MESSAGE');
  const rows = shown.map((app) => {
    const { sync, health, lastSync } = app.status;
    const row = [
      app.name,
      statusColor(c, sync.status)(sync.status),
      statusColor(c, health.status)(health.status),
      short(sync.targetRevision ?? sync.revision),
      lastSync ? `${statusColor(c, lastSync.result)(lastSync.result)} ${ago(lastSync.finishedAt)}` : '-',
    ];
    if (wide) {
      const { cluster, namespace } = app.destination;
      row.push(app.source.repoURL, app.source.path, cluster, namespace, app.project, app.appSet ?? '-');
    }
    row.push(message(app));
    return row;
  });
  io.out.write(shown.length === 0 ? 'No apps.\n' : table(header, rows, io.columns));
  return 0;
}

/** The first condition, or the health message: what a person should read first. */
function message(app: AppView): string {
  const condition = app.status.conditions[0];
  if (condition) return `${condition.type}: ${condition.message}`;
  return app.status.health.message ?? '';
}

function matches(wanted: string | undefined, actual: string): boolean {
  return wanted === undefined || wanted.toLowerCase() === actual.toLowerCase();
}
