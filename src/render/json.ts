import type { NomadJob } from '../domain/job.js';
import { positionOf, type RenderIssue } from './errors.js';
import { structSpec } from './hcl/schema.js';

/** api.Job fields a request may carry besides the jobspec ones (reference §5.1: set by the server). */
const SERVER_FIELDS = [
  'Stop',
  'ParentID',
  'Dispatched',
  'DispatchIdempotencyToken',
  'Payload',
  'ConsulNamespace',
  'VaultNamespace',
  'NomadTokenID',
  'Status',
  'StatusDescription',
  'Stable',
  'Version',
  'SubmitTime',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'VersionTag',
];

/** Every key of api.Job; Nomad's JSON decoding drops the others (e.g. `ConsulToken`, removed in 1.10). */
const JOB_FIELDS: ReadonlySet<string> = new Set([...structSpec('job').order, ...SERVER_FIELDS]);

export type JsonRenderResult = { job?: NomadJob; issues: RenderIssue[] };

/**
 * Reads a JSON job file: either `{"Job": {...}}` as `nomad job run -output` prints it,
 * or the bare job object as `/v1/jobs/parse` returns it.
 */
export function renderJsonJob(file: string, text: string): JsonRenderResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const pos = offset === undefined ? undefined : positionOf(text, Number(offset));
    return {
      issues: [
        {
          file,
          line: pos?.line,
          column: pos?.column,
          message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
        },
      ],
    };
  }
  if (!isObject(value))
    return { issues: [{ file, line: 1, column: 1, message: 'expected a JSON object holding a Nomad job' }] };
  const job = isObject(value.Job) ? value.Job : value;
  const issues: RenderIssue[] = [];
  const at = (key: string) => locateKey(text, key);
  if (typeof job.ID !== 'string' || job.ID === '')
    issues.push({ file, ...at('ID'), message: 'field "ID": a job needs a non-empty string ID' });
  if (job.TaskGroups !== undefined && job.TaskGroups !== null && !Array.isArray(job.TaskGroups)) {
    issues.push({ file, ...at('TaskGroups'), message: 'field "TaskGroups": expected an array of task groups' });
  }
  if (
    job.Meta !== undefined &&
    job.Meta !== null &&
    (!isObject(job.Meta) || Object.values(job.Meta).some((v) => typeof v !== 'string'))
  ) {
    issues.push({ file, ...at('Meta'), message: 'field "Meta": expected an object of strings' });
  }
  if (issues.length > 0) return { issues };
  return { job: Object.fromEntries(Object.entries(job).filter(([key]) => JOB_FIELDS.has(key))) as NomadJob, issues };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Best-effort position of a key in JSON text, so errors point at the field. */
function locateKey(text: string, key: string): { line?: number; column?: number } {
  const index = text.indexOf(`"${key}"`);
  return index < 0 ? { line: 1, column: 1 } : positionOf(text, index);
}
