import type { Hono } from 'hono';
import { canonicalizeJob } from '../src/nomad/canonicalize.js';
import type { NomadJob } from '../src/domain/job.js';
import { renderHclJob } from '../src/render/hcl/job.js';
import { parseVarFile } from '../src/render/hcl/varfile.js';
import type { Problem } from '../src/render/hcl/variables.js';
import { field, readBody, textError } from './http.js';

/** The file name Nomad's parse endpoint gives the submitted HCL in its diagnostics. */
const INPUT = 'input.hcl';

/**
 * `PUT|POST /v1/jobs/parse` (reference §2.6): HCL2 with optional var-file content, rendered by
 * Drover's renderer without file-system functions, as the endpoint runs jobspec2.
 */
export function registerParseRoute(app: Hono): void {
  app.on(['PUT', 'POST'], '/v1/jobs/parse', async (c) => {
    const body = await readBody(c);
    const hcl = field(body, 'JobHCL');
    if (typeof hcl !== 'string' || hcl.trim() === '') return textError(c, 400, 'Job spec is empty');
    const variables = field(body, 'Variables');
    const problems: Problem[] = [];
    let varFiles;
    if (typeof variables === 'string' && variables.trim() !== '') {
      const parsed = parseVarFile('<variables>', variables);
      problems.push(...parsed.problems);
      varFiles = parsed.varFile ? [parsed.varFile] : [];
    }
    let job: NomadJob | undefined;
    if (problems.length === 0) {
      const result = renderHclJob(INPUT, hcl, { varFiles });
      problems.push(...result.problems);
      job = result.job as NomadJob | undefined;
    }
    if (problems.length > 0 || !job)
      return textError(c, 400, `Failed to parse job: ${problems.map(diagnostic).join('\n')}`);
    return c.json(field(body, 'Canonicalize') === true ? canonicalizeJob(job) : job);
  });
  app.all('/v1/jobs/parse', (c) => textError(c, 405, 'Invalid method'));
}

/** HCL's diagnostic form: `file:line,column: summary`. */
function diagnostic(problem: Problem): string {
  const where = problem.pos
    ? `${problem.file ?? INPUT}:${problem.pos.line},${problem.pos.column}`
    : (problem.file ?? INPUT);
  return `${where}: ${problem.message}`;
}
