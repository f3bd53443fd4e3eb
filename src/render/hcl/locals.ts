import { HclError, type Attribute, type Body } from './ast.js';
import { evaluate, type EvalContext } from './eval.js';
import type { ObjectValue } from './values.js';
import { localRefs, type Problem } from './variables.js';

/**
 * Evaluates every `locals` attribute after the locals it refers to. A cycle is reported with
 * its path; a local that fails leaves dependants unevaluated instead of cascading errors.
 */
export function resolveLocals(body: Body, ctx: EvalContext, problems: Problem[]): ObjectValue {
  const defs = new Map<string, Attribute>();
  for (const block of body.blocks.filter((b) => b.type === 'locals')) {
    for (const inner of block.body.blocks)
      problems.push({
        pos: inner.pos,
        message: `Unsupported block type: a locals block holds only arguments, not "${inner.type}" blocks`,
      });
    for (const attr of block.body.attributes) {
      if (defs.has(attr.name))
        problems.push({ pos: attr.pos, message: `Duplicate value in locals: "${attr.name}" is defined twice` });
      else defs.set(attr.name, attr);
    }
  }
  const values: ObjectValue = {};
  const state = new Map<string, 'visiting' | 'done' | 'failed'>();
  const visit = (name: string, path: string[]): boolean => {
    const current = state.get(name);
    if (current === 'done') return true;
    if (current === 'failed') return false;
    const attr = defs.get(name)!;
    if (current === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      problems.push({ pos: attr.pos, message: `Cycle in locals: ${cycle.map((n) => `local.${n}`).join(' -> ')}` });
      return false;
    }
    state.set(name, 'visiting');
    for (const dep of localRefs(attr.expr)) {
      if (defs.has(dep) && !visit(dep, [...path, name])) {
        state.set(name, 'failed');
        return false;
      }
    }
    try {
      const variables = new Map(ctx.variables);
      variables.set('local', values);
      values[name] = evaluate(attr.expr, { ...ctx, variables });
      state.set(name, 'done');
      return true;
    } catch (error) {
      if (!(error instanceof HclError)) throw error;
      problems.push({ pos: error.pos, message: error.message });
      state.set(name, 'failed');
      return false;
    }
  };
  for (const name of defs.keys()) visit(name, []);
  return values;
}
