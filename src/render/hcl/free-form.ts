import { HclError, type Body, type Expr } from './ast.js';
import { expandBlocks, type ScopedBlock } from './dynamic.js';
import { evaluate, type EvalContext } from './eval.js';
import { isObject, type Value } from './values.js';

/**
 * Free-form maps (task driver `config`, secret `config`, upstream `config`) have no schema.
 * jobspec2 keeps them as written with two rules: an argument whose expression is an object
 * literal, and every nested block, becomes a list of objects; labels nest as map keys.
 * Object keys come out sorted, as Go marshals maps.
 */
export function freeForm(expr: Expr, ctx: EvalContext): unknown {
  const value = plain(evaluate(expr, ctx));
  return expr.kind === 'object' ? [value] : value;
}

/** The `config { ... }` block itself decodes to one object. */
export function freeFormBlocks(group: ScopedBlock[], nested: boolean): unknown {
  if (!nested) {
    if (group.length > 1)
      throw new HclError(group[1]!.block.pos, `Duplicate ${group[1]!.block.type} block: only one is allowed here`);
    const { block, ctx } = group[0]!;
    if (block.labels.length > 0)
      throw new HclError(block.pos, `Extraneous label for ${block.type}: it takes no labels`);
    return bodyObject(block.body, ctx);
  }
  return group.map(({ block, ctx }) => {
    let value: unknown = bodyObject(block.body, ctx);
    for (const label of [...block.labels].reverse()) value = { [label]: [value] };
    return value;
  });
}

function bodyObject(body: Body, ctx: EvalContext): Record<string, unknown> {
  const entries: Array<[string, unknown]> = body.attributes.map((attr) => [attr.name, freeForm(attr.expr, ctx)]);
  const groups = new Map<string, ScopedBlock[]>();
  for (const scoped of expandBlocks(body, ctx, []))
    groups.set(scoped.block.type, [...(groups.get(scoped.block.type) ?? []), scoped]);
  for (const [type, group] of groups) entries.push([type, freeFormBlocks(group, true)]);
  return sortKeys(entries);
}

function plain(value: Value): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return sortKeys(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function sortKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
