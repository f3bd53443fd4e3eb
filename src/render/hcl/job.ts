import { posix } from 'node:path';
import { HclError, type Body } from './ast.js';
import { decodeBody, type Decoded } from './decode.js';
import type { EvalContext } from './eval.js';
import { jobspecFunctions, type FileAccess } from './functions/index.js';
import { resolveLocals } from './locals.js';
import { parseHcl } from './parser.js';
import { resolveVariables, type Problem, type VariableInputs } from './variables.js';

export type HclJobOptions = VariableInputs & {
  /** Repository files for file(), fileset()...; without it those functions fail, as on /v1/jobs/parse. */
  files?: ReadonlyMap<string, Buffer>;
  /** Hears each repository file a file function reads. */
  onFileRead?: (path: string) => void;
};

export type HclJobResult = { job?: Decoded; problems: Problem[] };

const TOP_LEVEL = new Set(['variable', 'variables', 'locals', 'job']);

/**
 * Renders one HCL2 job file to the api.Job JSON that `nomad job run -output` prints (without
 * the `{"Job": ...}` wrapper). Any problem means no job: callers never see a partial job.
 */
export function renderHclJob(file: string, src: string, options: HclJobOptions = {}): HclJobResult {
  let body: Body;
  try {
    body = parseHcl(src);
  } catch (error) {
    if (error instanceof HclError) return { problems: [{ file, pos: error.pos, message: error.message }] };
    throw error;
  }
  const problems: Problem[] = [];
  for (const attr of body.attributes)
    problems.push({
      pos: attr.pos,
      message: `Unsupported argument: an argument named "${attr.name}" is not expected at the top level of a job file`,
    });
  for (const block of body.blocks) {
    if (!TOP_LEVEL.has(block.type))
      problems.push({
        pos: block.pos,
        message:
          `Unsupported block type: blocks of type "${block.type}" are not expected at the top level; ` +
          'expected variable, variables, locals or job',
      });
  }
  const access: FileAccess | undefined = options.files
    ? { files: options.files, baseDir: posix.dirname(file), onRead: options.onFileRead }
    : undefined;
  const base: EvalContext = { src, variables: new Map(), functions: jobspecFunctions(access) };
  const { values: vars, unset } = resolveVariables(body, base, options, problems);
  const withVar: EvalContext = { ...base, variables: new Map([['var', vars]]), unset };
  const locals = resolveLocals(body, withVar, problems);
  const ctx: EvalContext = {
    ...base,
    variables: new Map([
      ['var', vars],
      ['local', locals],
    ]),
  };
  // A bad variable or local would make every use of it fail too: report the cause only.
  const job = problems.length === 0 ? decodeJob(body, ctx, problems) : undefined;
  const located = problems.map((problem) => ({ ...problem, file: problem.file ?? file }));
  return located.length > 0 ? { problems: located } : { job, problems: [] };
}

function decodeJob(body: Body, ctx: EvalContext, problems: Problem[]): Decoded | undefined {
  const blocks = body.blocks.filter((b) => b.type === 'job');
  if (blocks.length === 0) {
    problems.push({
      pos: { line: 1, column: 1, offset: 0 },
      message: 'Missing job block: a job file needs one job "name" { ... } block',
    });
    return undefined;
  }
  if (blocks.length > 1)
    problems.push({
      pos: blocks[1]!.pos,
      message: `Duplicate job block: only one job block is allowed per file; the first is at line ${blocks[0]!.pos.line}`,
    });
  const block = blocks[0]!;
  if (block.labels.length !== 1) {
    problems.push({ pos: block.pos, message: 'Invalid job block: a job block needs exactly one label, the job ID' });
    return undefined;
  }
  const label = block.labels[0]!;
  const job = decodeBody(block.body, 'job', ctx, problems, { skip: new Set(['task', 'vault']), at: block.pos });
  job.ID ??= label;
  job.Name ??= label;
  const tasks = block.body.blocks.filter((b) => b.type === 'task');
  const extraGroups = tasks.map((task) => {
    if (task.labels.length !== 1)
      problems.push({ pos: task.pos, message: 'Missing name for task: a task block needs one label' });
    const name = task.labels[0] ?? '';
    return {
      Name: name,
      Tasks: [decodeBody(task.body, 'task', ctx, problems, { label: ['Name', name], at: task.pos })],
    };
  });
  if (extraGroups.length > 0) job.TaskGroups = [...extraGroups, ...((job.TaskGroups as Decoded[] | undefined) ?? [])];
  const vaults = block.body.blocks.filter((b) => b.type === 'vault');
  if (vaults.length > 1)
    problems.push({
      pos: vaults[1]!.pos,
      message: `Duplicate vault block: only one vault block is allowed in a job; the first is at line ${vaults[0]!.pos.line}`,
    });
  const jobVault = vaults[0] ? decodeBody(vaults[0].body, 'vault', ctx, problems, { at: vaults[0].pos }) : undefined;
  inheritVault(job, jobVault);
  return orderJob(job);
}

/** A job-level vault block applies to every task that has none of its own (jobspec2's normalizeJob). */
function inheritVault(job: Decoded, jobVault: Decoded | undefined): void {
  if (!jobVault) return;
  for (const group of (job.TaskGroups as Decoded[] | undefined) ?? []) {
    for (const task of (group.Tasks as Decoded[] | undefined) ?? []) task.Vault ??= structuredClone(jobVault);
  }
}

/** ID and Name come first, as in the api.Job struct after Region and Namespace. */
function orderJob(job: Decoded): Decoded {
  const { Region, Namespace, ID, Name, ...rest } = job;
  const head: Decoded = {};
  if (Region !== undefined) head.Region = Region;
  if (Namespace !== undefined) head.Namespace = Namespace;
  return { ...head, ID, Name, ...rest };
}
