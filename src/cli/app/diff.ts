import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Condition, FieldDiff } from '../../domain/app.js';
import type { ConnectionFlags } from '../connect/connection.js';
import { CliError, EXIT } from '../exit.js';
import { machine, parseFormat } from '../output/format.js';
import { appPath, clientFor, type IO } from './io.js';
import { planNotes, type PlannedAction } from './plan-notes.js';

export type DiffFlags = ConnectionFlags & { revision?: string; local?: string; output?: string };

/** The API's diff view (GET /diff, dry-run syncs, POST /diff with local files). */
export type DiffView = {
  revision?: string;
  status: string;
  conditions: Condition[];
  jobs: Array<{ id: string; namespace: string; file?: string; status: string; ownership?: string; diff: FieldDiff[] }>;
  actions?: PlannedAction[];
};

/** Largest local tree sent with --local: the server's request body limit is 1 MiB. */
const LOCAL_LIMIT = 1024 * 1024 - 64 * 1024;

/**
 * `drover app diff NAME`: a coloured unified diff per job with Nomad's plan notes.
 * Exits 0 when in sync, 1 with differences, 2 on error, like `nomad job plan`.
 */
export async function appDiff(name: string, flags: DiffFlags, io: IO): Promise<number> {
  const format = parseFormat(flags.output, ['table', 'json', 'yaml']);
  if (flags.revision && flags.local) throw new CliError('--revision and --local cannot be used together');
  const client = clientFor(flags, io);
  const view = flags.local
    ? await client.post<DiffView>(appPath(name, '/diff'), { files: readLocal(flags.local) })
    : flags.revision
      ? await client.post<DiffView>(appPath(name, '/sync'), { dryRun: true, revision: flags.revision })
      : await client.get<DiffView>(appPath(name, '/diff'));
  io.out.write(machine(format, view) ?? renderDiff(view, io));
  if (view.status === 'Unknown') {
    const why = view.conditions.map((c) => `${c.type}: ${c.message}`).join('; ') || 'the app could not be compared';
    io.err.write(`drover: ${why}\n`);
    return EXIT.error;
  }
  return view.status === 'Synced' ? EXIT.ok : EXIT.negative;
}

/** Human form: a header per job that differs, its plan notes, and -/+ lines per field. */
export function renderDiff(view: DiffView, io: IO): string {
  const c = io.colors;
  const changed = view.jobs.filter((job) => job.status !== 'Synced');
  if (changed.length === 0) {
    const where = view.revision ? ` at ${view.revision.slice(0, 12)}` : '';
    return view.status === 'Synced' ? `In sync${where}: ${view.jobs.length} job(s), no differences.\n` : '';
  }
  let out = '';
  for (const job of changed) {
    const action = view.actions?.find((a) => a.id === job.id && a.namespace === job.namespace);
    const notes = planNotes(action);
    const label = `${job.namespace}/${job.id}`;
    out += c.bold(`--- live ${label}`) + '\n';
    out += c.bold(`+++ git  ${label}${job.file ? ` (${job.file})` : ''}`) + '\n';
    out += c.cyan(`@@ ${job.status}${notes.length ? ` · ${notes.join(', ')}` : ''} @@`) + '\n';
    if (job.status === 'Missing') out += c.green('+ the job is not in Nomad; a sync registers it') + '\n';
    if (job.status === 'Extra') out += c.red('- the job is no longer in git; a sync with prune stops it') + '\n';
    if (job.ownership === 'foreign')
      out += c.yellow('! owned by another app or by nobody; a sync does not write it') + '\n';
    for (const field of job.diff) out += fieldLines(field, io);
  }
  return out;
}

function fieldLines(field: FieldDiff, io: IO): string {
  const c = io.colors;
  let out = c.cyan(`@@ ${field.path} @@`) + '\n';
  if ('live' in field && field.live !== undefined) out += valueLines('-', field.live, c.red);
  if ('desired' in field && field.desired !== undefined) out += valueLines('+', field.desired, c.green);
  return out;
}

function valueLines(sign: string, value: unknown, paint: (s: string) => string): string {
  return (
    JSON.stringify(value, null, 2)
      .split('\n')
      .map((line) => paint(`${sign}${line}`))
      .join('\n') + '\n'
  );
}

/** The files under a local directory, keyed by path relative to it, as the server renders them. */
function readLocal(dir: string): Array<{ path: string; content: string }> {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new CliError(`--local ${dir}: no such file or directory`);
  }
  const files = stat.isFile() ? [dir] : walk(dir);
  const base = stat.isFile() ? join(dir, '..') : dir;
  let total = 0;
  return files.map((file) => {
    const content = readFileSync(file, 'utf8');
    total += content.length;
    if (total > LOCAL_LIMIT) throw new CliError(`--local ${dir}: more than ${LOCAL_LIMIT} bytes of files`);
    return { path: relative(base, file), content };
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.split('/').some((part) => part === '.git' || part === 'node_modules'))
    .sort();
}
