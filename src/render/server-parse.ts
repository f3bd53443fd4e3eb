import type { Snapshot } from '../domain/commit.js';
import type { NomadJob } from '../domain/job.js';
import { NomadAPIError } from '../nomad/errors.js';
import type { Jobs } from '../nomad/jobs.js';
import type { RenderIssue } from './errors.js';
import { parseVarFile } from './hcl/varfile.js';
import { renderJsonJob } from './json.js';
import { collectJobs, nomadVarEnv, selectionOf, type RenderOptions, type RenderResult } from './render.js';
import { jobFormat } from './select.js';

/** The one call the server renderer needs; the client's `jobs` provides it. */
export type ParseTransport = Pick<Jobs, 'parse'>;

/** The renderer could not reach Nomad at all (as opposed to Nomad refusing a file). */
export class ParseUnavailableError extends Error {}

/**
 * Renders a snapshot through Nomad's own `/v1/jobs/parse`: each HCL file is sent with the
 * app's variables as var-file content. JSON files need no parsing and are read locally.
 * Like the local renderer, one failing file fails the set.
 */
export async function renderSnapshotOnServer(
  snapshot: Snapshot,
  options: RenderOptions,
  transport: ParseTransport,
): Promise<RenderResult> {
  const issues: RenderIssue[] = [];
  const variables = variablesBody(snapshot, options, issues);
  const rendered: Array<{ file: string; job: NomadJob }> = [];
  const selection = selectionOf(options);
  for (const [file, content] of [...snapshot.files].sort(([a], [b]) => a.localeCompare(b))) {
    const format = jobFormat(file, selection);
    if (format === 'hcl') {
      try {
        rendered.push({
          file,
          job: await transport.parse(content.toString('utf8'), { variables, canonicalize: false }),
        });
      } catch (error) {
        if (error instanceof NomadAPIError && error.statusCode === 400)
          issues.push({ file, message: error.body.trim() });
        else throw new ParseUnavailableError(`Nomad /v1/jobs/parse: ${(error as Error).message}`, { cause: error });
      }
    } else if (format === 'json') {
      const result = renderJsonJob(file, content.toString('utf8'));
      issues.push(...result.issues);
      if (result.job) rendered.push({ file, job: result.job });
    }
  }
  const jobs = collectJobs(rendered, options.defaultNamespace, issues);
  return { jobs: issues.length > 0 ? [] : jobs, issues };
}

/**
 * One var-file body carrying every value: NOMAD_VAR_* first, then the var-files, then `vars`,
 * later assignments replacing earlier ones (Nomad's precedence), since the endpoint takes one
 * var-file and HCL refuses a name assigned twice.
 */
function variablesBody(snapshot: Snapshot, options: RenderOptions, issues: RenderIssue[]): string {
  const values = new Map<string, string>();
  for (const [name, raw] of Object.entries(nomadVarEnv(options.env))) values.set(name, hclString(raw));
  for (const spec of options.varFiles ?? []) {
    const file = typeof spec === 'string' ? spec : spec.file;
    const content = typeof spec === 'string' ? snapshot.files.get(spec)?.toString('utf8') : spec.content;
    if (content === undefined) {
      issues.push({ file, message: 'var-file not found in the rendered folder at this revision' });
      continue;
    }
    const parsed = parseVarFile(file, content);
    issues.push(
      ...parsed.problems.map((p) => ({ file, line: p.pos?.line, column: p.pos?.column, message: p.message })),
    );
    for (const attr of parsed.varFile?.attributes ?? [])
      values.set(attr.name, content.slice(attr.expr.pos.offset, attr.expr.end));
  }
  for (const [name, raw] of Object.entries(options.vars ?? {})) values.set(name, hclString(raw));
  return [...values].map(([name, expr]) => `${name} = ${expr}`).join('\n');
}

/** A quoted HCL string holding `raw` literally: `${` and `%{` are escaped so nothing interpolates. */
function hclString(raw: string): string {
  return JSON.stringify(raw)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}
