import { HclError, type Block, type Body } from './ast.js';
import { evaluate, guard, withVars, type EvalContext } from './eval.js';
import { isObject, toStr, typeName, type Value } from './values.js';
import type { Problem } from './variables.js';

/** A block ready to decode, with the context its expressions evaluate in. */
export type ScopedBlock = { block: Block; ctx: EvalContext };

/**
 * Expands `dynamic "x" { for_each, iterator, labels, content {} }` into ordinary `x` blocks,
 * in place among the static ones, each with the iterator (`x` by default) bound to
 * `{key, value}`. Nested dynamic blocks expand when their parent body is decoded.
 */
export function expandBlocks(body: Body, ctx: EvalContext, problems: Problem[]): ScopedBlock[] {
  const out: ScopedBlock[] = [];
  for (const block of body.blocks) {
    if (block.type !== 'dynamic') {
      out.push({ block, ctx });
      continue;
    }
    try {
      out.push(...expandDynamic(block, ctx));
    } catch (error) {
      if (!(error instanceof HclError)) throw error;
      problems.push({ pos: error.pos, message: error.message });
    }
  }
  return out;
}

function expandDynamic(block: Block, ctx: EvalContext): ScopedBlock[] {
  const type = block.labels[0];
  if (block.labels.length !== 1 || type === undefined)
    throw new HclError(
      block.pos,
      'Invalid dynamic block: a dynamic block needs exactly one label, the type of block to generate',
    );
  const attr = (name: string) => block.body.attributes.find((a) => a.name === name);
  for (const a of block.body.attributes) {
    if (!['for_each', 'iterator', 'labels'].includes(a.name))
      throw new HclError(
        a.pos,
        `Unsupported argument: an argument named "${a.name}" is not expected in a dynamic block`,
      );
  }
  const contents = block.body.blocks.filter((b) => b.type === 'content');
  const stray = block.body.blocks.find((b) => b.type !== 'content');
  if (stray)
    throw new HclError(
      stray.pos,
      `Unsupported block type: a dynamic block holds only a content block, not "${stray.type}"`,
    );
  if (contents.length !== 1)
    throw new HclError(block.pos, `Invalid dynamic block: dynamic "${type}" needs exactly one content block`);
  const forEach = attr('for_each');
  if (!forEach) throw new HclError(block.pos, `Missing required argument: dynamic "${type}" needs "for_each"`);
  const iteratorAttr = attr('iterator');
  let iterator = type;
  if (iteratorAttr) {
    if (iteratorAttr.expr.kind !== 'variable')
      throw new HclError(iteratorAttr.pos, 'Invalid dynamic iterator name: the iterator must be a single name');
    iterator = iteratorAttr.expr.name;
  }
  const collection = evaluate(forEach.expr, ctx);
  let entries: Array<[Value, Value]>;
  if (Array.isArray(collection)) entries = collection.map((v, k) => [k, v]);
  else if (isObject(collection))
    entries = Object.keys(collection)
      .sort()
      .map((k) => [k, collection[k]!]);
  else
    throw new HclError(
      forEach.expr.pos,
      `Invalid dynamic for_each value: cannot iterate over a ${typeName(collection)} value`,
    );
  const labelsAttr = attr('labels');
  return entries.map(([key, value]) => {
    const scoped = withVars(ctx, [[iterator, { key, value }]]);
    let labels: string[] = [];
    if (labelsAttr) {
      const list = evaluate(labelsAttr.expr, scoped);
      if (!Array.isArray(list))
        throw new HclError(labelsAttr.expr.pos, 'Invalid dynamic block labels: "labels" must be a list of strings');
      labels = list.map((label) => guard(labelsAttr.expr.pos, () => toStr(label, 'a dynamic block label')));
    }
    return { block: { type, labels, pos: block.pos, body: contents[0]!.body }, ctx: scoped };
  });
}
