import { HclError, type Body, type Expr, type Pos } from '../render/hcl/ast.js';
import { evaluate, type EvalContext } from '../render/hcl/eval.js';
import { jobspecFunctions } from '../render/hcl/functions/index.js';
import { parseHcl } from '../render/hcl/parser.js';
import { DroverError } from '../domain/errors.js';

/** A config file in HCL, as the object of HCL's JSON form, with where each field was written. */
export type HclConfig = { value: Record<string, unknown>; positions: Map<string, Pos> };

/**
 * Reads Drover's HCL config with the job renderer's parser and evaluator: labelled blocks
 * (`app "web" { ... }`) become objects keyed by label, unlabelled blocks (`sync { ... }`)
 * become objects (lists, for the repeatable `ignore_differences`, `role_binding` and `sync_window`), arguments are evaluated with
 * the jobspec function library.
 */
export function readHclConfig(text: string, file: string): HclConfig {
  const positions = new Map<string, Pos>();
  try {
    const ctx: EvalContext = { src: text, variables: new Map(), functions: jobspecFunctions() };
    return { value: bodyObject(parseHcl(text), ctx, [], positions, file), positions };
  } catch (error) {
    if (error instanceof HclError)
      throw new DroverError('DROVER_ERR_CONFIG', `${file}:${error.pos.line}:${error.pos.column}: ${error.message}`, {
        file,
      });
    throw error;
  }
}

/** Unlabelled blocks that may repeat; each becomes one element of a list, as in the JSON form. */
const REPEATABLE = new Set(['ignore_differences', 'role_binding', 'destinations', 'sync_window']);
/** Inside a matrix, generators repeat (a list crossed with a list). */
const MATRIX_PARTS = new Set(['git_directories', 'git_files', 'list', 'matrix']);

/** Whether a block at `path` of type `type` becomes a list element. */
function repeats(path: string[], type: string): boolean {
  return REPEATABLE.has(type) || (path[path.length - 1] === 'matrix' && MATRIX_PARTS.has(type));
}

/** Whether `path` is inside an app set's template, whose `${...}` are placeholders filled per generated app. */
function inTemplate(path: string[]): boolean {
  return path[0] === 'app_set' && path[2] === 'template';
}

/** `path.basename` for a variable with attributes, else undefined. */
function traversal(expr: Expr): string | undefined {
  if (expr.kind === 'variable') return expr.name;
  if (expr.kind !== 'getattr') return undefined;
  const target = traversal(expr.target);
  return target === undefined ? undefined : `${target}.${expr.name}`;
}

/**
 * Keeps a template's placeholders as text: `"${path.basename}"` (and a bare `path.basename`)
 * stays the string `${path.basename}`, to be filled for each generated app.
 */
function keepPlaceholders(expr: Expr): Expr {
  const name = traversal(expr);
  if (name !== undefined) return { kind: 'literal', pos: expr.pos, end: expr.end, value: `\${${name}}` };
  switch (expr.kind) {
    case 'template':
      return {
        ...expr,
        parts: expr.parts.map((part) => {
          const key = part.kind === 'interp' ? traversal(part.expr) : undefined;
          return key === undefined ? part : { kind: 'text', text: `\${${key}}` };
        }),
      };
    case 'tuple':
      return { ...expr, items: expr.items.map(keepPlaceholders) };
    case 'object':
      return { ...expr, items: expr.items.map((item) => ({ key: item.key, value: keepPlaceholders(item.value) })) };
    default:
      return expr;
  }
}

function bodyObject(
  body: Body,
  ctx: EvalContext,
  path: string[],
  positions: Map<string, Pos>,
  file: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attr of body.attributes) {
    positions.set([...path, attr.name].join('.'), attr.pos);
    out[attr.name] = evaluate(inTemplate(path) ? keepPlaceholders(attr.expr) : attr.expr, ctx);
  }
  for (const block of body.blocks) {
    if (block.labels.length === 0 && repeats(path, block.type)) {
      const list = out[block.type] ?? [];
      if (!Array.isArray(list))
        throw new HclError(block.pos, `"${block.type}" is set both as an argument and as a block`);
      const blockPath = [...path, block.type, String(list.length)];
      if (list.length === 0) positions.set([...path, block.type].join('.'), block.pos);
      positions.set(blockPath.join('.'), block.pos);
      list.push(bodyObject(block.body, ctx, blockPath, positions, file));
      out[block.type] = list;
      continue;
    }
    let target = out;
    const keys = [block.type, ...block.labels];
    for (const key of keys.slice(0, -1)) {
      const next = target[key] ?? {};
      if (typeof next !== 'object' || next === null || Array.isArray(next))
        throw new HclError(block.pos, `"${key}" is set both as an argument and as a block`);
      target = (target[key] = next) as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    const blockPath = [...path, ...keys];
    if (last in target) {
      const first = positions.get(blockPath.join('.'));
      throw new DroverError(
        'DROVER_ERR_CONFIG',
        `${file}:${block.pos.line}:${block.pos.column}: duplicate ${keys.join(' ')} block` +
          (first ? `; the first is at line ${first.line}` : ''),
        { file },
      );
    }
    for (let n = path.length + 1; n <= blockPath.length; n++)
      if (!positions.has(blockPath.slice(0, n).join('.'))) positions.set(blockPath.slice(0, n).join('.'), block.pos);
    target[last] = bodyObject(block.body, ctx, blockPath, positions, file);
  }
  return out;
}
