import { HclError, type Expr, type Pos, type TemplatePart } from './ast.js';
import { convertTo, parseType } from './types.js';
import { equal, isObject, toBool, toNum, toStr, typeName, ValueError, type ObjectValue, type Value } from './values.js';

/** A function callable from HCL; throws ValueError (or FunctionError) on bad arguments. */
export type HclFunction = (args: Value[]) => Value;

/** What an expression may refer to. Unknown root names follow jobspec2 (see evalTraversal). */
export type EvalContext = {
  src: string;
  variables: Map<string, Value>;
  functions: Record<string, HclFunction>;
  /** Variables declared without a value, so a use of one says so instead of "not declared". */
  unset?: ReadonlySet<string>;
};

/** Evaluates an expression; errors are HclError with the position and the name involved. */
export function evaluate(expr: Expr, ctx: EvalContext): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'template':
      return evalTemplate(expr.parts, ctx, expr.heredoc);
    case 'paren':
      return evaluate(expr.inner, ctx);
    case 'variable':
    case 'getattr':
    case 'index':
      return evalTraversal(expr, ctx);
    case 'splat':
      return evalSplat(expr, ctx);
    case 'splatItem':
      return ctx.variables.get('\0splat') ?? null;
    case 'call':
      return evalCall(expr, ctx);
    case 'tuple':
      return expr.items.map((item) => evaluate(item, ctx));
    case 'object':
      return evalObject(expr, ctx);
    case 'unary':
      return evalUnary(expr, ctx);
    case 'binary':
      return evalBinary(expr, ctx);
    case 'conditional': {
      const cond = guard(expr.cond.pos, () => toBool(evaluate(expr.cond, ctx), 'the condition'));
      return evaluate(cond ? expr.then : expr.else, ctx);
    }
    case 'for':
      return evalFor(expr, ctx);
  }
}

/** Runs `fn`, turning a ValueError into an HclError at `pos`. */
export function guard<T>(pos: Pos, fn: () => T, prefix = ''): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValueError) throw new HclError(pos, prefix + error.message);
    throw error;
  }
}

/** The root variable of a traversal chain, or undefined when an index key is not constant. */
function traversalRoot(expr: Expr): Extract<Expr, { kind: 'variable' }> | undefined {
  if (expr.kind === 'variable') return expr;
  if (expr.kind === 'getattr') return traversalRoot(expr.target);
  if (
    expr.kind === 'index' &&
    (expr.key.kind === 'literal' ||
      (expr.key.kind === 'template' && expr.key.parts.every((part) => part.kind === 'text')))
  )
    return traversalRoot(expr.target);
  return undefined;
}

/**
 * Like jobspec2, a traversal rooted in a name that is not declared (attr, node, meta, env,
 * NOMAD_*...) evaluates to its own source text wrapped in `${...}`, so the Nomad client
 * interpolates it at run time.
 */
function evalTraversal(expr: Expr, ctx: EvalContext): Value {
  const root = traversalRoot(expr);
  if (root && !ctx.variables.has(root.name)) return '${' + ctx.src.slice(expr.pos.offset, expr.end) + '}';
  if (expr.kind === 'variable') return ctx.variables.get(expr.name)!;
  if (expr.kind === 'getattr') {
    const target = evaluate(expr.target, ctx);
    if (isObject(target)) {
      if (Object.hasOwn(target, expr.name)) return target[expr.name]!;
      throw new HclError(expr.pos, unsupportedAttribute(expr, ctx));
    }
    if (Array.isArray(target) && /^\d+$/.test(expr.name)) return indexValue(target, Number(expr.name), expr.pos);
    throw new HclError(
      expr.pos,
      `Unsupported attribute: cannot read attribute "${expr.name}" of a ${typeName(target)} value`,
    );
  }
  if (expr.kind === 'index') return indexValue(evaluate(expr.target, ctx), evaluate(expr.key, ctx), expr.key.pos);
  throw new Error('unreachable');
}

/** What to say about a declared variable that got no value, and how to give it one. */
export function unsetMessage(name: string): string {
  return (
    `Unset variable "${name}": the variable is declared but has no value; give it one with --var ${name}=..., ` +
    `a var-file (var_files), NOMAD_VAR_${name}, or a default in its variable block`
  );
}

function unsupportedAttribute(expr: Extract<Expr, { kind: 'getattr' }>, ctx: EvalContext): string {
  const owner = ctx.src.slice(expr.target.pos.offset, expr.target.end);
  if (owner === 'var' && ctx.unset?.has(expr.name)) return unsetMessage(expr.name);
  if (owner === 'var')
    return `Undefined variable: no variable "${expr.name}" is declared; add a variable "${expr.name}" block`;
  if (owner === 'local') return `Undefined local: no local value "${expr.name}" is defined in a locals block`;
  return `Unsupported attribute: ${owner} has no attribute named "${expr.name}"`;
}

function indexValue(target: Value, key: Value, pos: Pos): Value {
  if (Array.isArray(target)) {
    const n = guard(pos, () => toNum(key, 'the index'));
    if (!Number.isInteger(n) || n < 0 || n >= target.length)
      throw new HclError(
        pos,
        `Invalid index: the index ${toStr(n)} is out of range for a collection of ${target.length} elements`,
      );
    return target[n]!;
  }
  if (isObject(target)) {
    const name = guard(pos, () => toStr(key, 'the key'));
    if (!Object.hasOwn(target, name))
      throw new HclError(pos, `Invalid index: the given key "${name}" does not identify an element in this map`);
    return target[name]!;
  }
  throw new HclError(pos, `Invalid index: a ${typeName(target)} value cannot be indexed`);
}

function evalSplat(expr: Extract<Expr, { kind: 'splat' }>, ctx: EvalContext): Value {
  const source = evaluate(expr.target, ctx);
  if (source === null) return [];
  const items = Array.isArray(source) ? source : [source];
  return items.map((item) => evaluate(expr.each, withVars(ctx, [['\0splat', item]])));
}

function evalCall(expr: Extract<Expr, { kind: 'call' }>, ctx: EvalContext): Value {
  if (expr.name === 'try' || expr.name === 'can') return evalTry(expr, ctx);
  if (expr.name === 'convert') {
    if (expr.args.length !== 2)
      throw new HclError(
        expr.pos,
        `Invalid function argument: convert: expected 2 arguments (value, type), got ${expr.args.length}`,
      );
    const value = evaluate(expr.args[0]!, ctx);
    const type = parseType(expr.args[1]!);
    return guard(expr.pos, () => convertTo(value, type, 'argument 1 (value)'), 'Invalid function argument: convert: ');
  }
  const fn = ctx.functions[expr.name];
  if (!fn) throw new HclError(expr.pos, `Call to unknown function: there is no function named "${expr.name}"`);
  const args = expr.args.map((arg) => evaluate(arg, ctx));
  if (expr.expand) {
    const last = args.pop();
    if (!Array.isArray(last))
      throw new HclError(
        expr.args[expr.args.length - 1]!.pos,
        `Invalid expanding argument value: the argument to expand in a call to ${expr.name} must be a list, not ${typeName(last ?? null)}`,
      );
    args.push(...last);
  }
  try {
    return guard(expr.pos, () => fn(args), `Invalid function argument: ${expr.name}: `);
  } catch (error) {
    // A RangeError from an extreme argument (e.g. a huge precision) is the caller's error, not a crash.
    if (error instanceof HclError || !(error instanceof Error)) throw error;
    throw new HclError(expr.pos, `Error in function call: ${expr.name}: ${error.message}`);
  }
}

/** `try` returns its first argument that evaluates without error; `can` says whether one does. */
function evalTry(expr: Extract<Expr, { kind: 'call' }>, ctx: EvalContext): Value {
  if (expr.name === 'can' && expr.args.length !== 1)
    throw new HclError(
      expr.pos,
      `Invalid function argument: can: expected 1 argument (expression), got ${expr.args.length}`,
    );
  if (expr.args.length === 0)
    throw new HclError(expr.pos, 'Invalid function argument: try: at least one argument is required');
  let last: HclError | undefined;
  for (const arg of expr.args) {
    try {
      const value = evaluate(arg, ctx);
      return expr.name === 'can' ? true : value;
    } catch (error) {
      if (!(error instanceof HclError)) throw error;
      last = error;
    }
  }
  if (expr.name === 'can') return false;
  throw new HclError(
    expr.pos,
    `Error in function call: try: no expression succeeded; the last error was: ${last!.message}`,
  );
}

function evalObject(expr: Extract<Expr, { kind: 'object' }>, ctx: EvalContext): Value {
  const out: ObjectValue = {};
  for (const item of expr.items) {
    const key = guard(item.key.pos, () => toStr(evaluate(item.key, ctx), 'an object key'));
    out[key] = evaluate(item.value, ctx);
  }
  return out;
}

function evalUnary(expr: Extract<Expr, { kind: 'unary' }>, ctx: EvalContext): Value {
  const value = evaluate(expr.operand, ctx);
  return guard(expr.pos, () =>
    expr.op === '!' ? !toBool(value, 'the operand of "!"') : -toNum(value, 'the operand of "-"'),
  );
}

function evalBinary(expr: Extract<Expr, { kind: 'binary' }>, ctx: EvalContext): Value {
  const { op } = expr;
  if (op === '&&' || op === '||') {
    const left = guard(expr.left.pos, () => toBool(evaluate(expr.left, ctx), `the left operand of "${op}"`));
    const right = guard(expr.right.pos, () => toBool(evaluate(expr.right, ctx), `the right operand of "${op}"`));
    return op === '&&' ? left && right : left || right;
  }
  const left = evaluate(expr.left, ctx);
  const right = evaluate(expr.right, ctx);
  if (op === '==') return equal(left, right);
  if (op === '!=') return !equal(left, right);
  const a = guard(expr.left.pos, () => toNum(left, `the left operand of "${op}"`));
  const b = guard(expr.right.pos, () => toNum(right, `the right operand of "${op}"`));
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new HclError(expr.right.pos, 'Operation failed: division by zero');
      return a / b;
    case '%':
      if (b === 0) throw new HclError(expr.right.pos, 'Operation failed: modulo by zero');
      return a % b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

function evalFor(expr: Extract<Expr, { kind: 'for' }>, ctx: EvalContext): Value {
  const source = evaluate(expr.collection, ctx);
  let entries: Array<[Value, Value]>;
  if (Array.isArray(source)) entries = source.map((item, k) => [k, item]);
  else if (isObject(source))
    entries = Object.keys(source)
      .sort()
      .map((key) => [key, source[key]!]);
  else
    throw new HclError(
      expr.collection.pos,
      `Iteration over non-iterable value: a for expression needs a collection, not ${typeName(source)}`,
    );
  const tuple: Value[] = [];
  const object: Record<string, Value> = {};
  const grouped: Record<string, Value[]> = {};
  for (const [key, value] of entries) {
    const scope = withVars(
      ctx,
      expr.keyVar
        ? [
            [expr.keyVar, key],
            [expr.valueVar, value],
          ]
        : [[expr.valueVar, value]],
    );
    if (expr.cond && !guard(expr.cond.pos, () => toBool(evaluate(expr.cond!, scope), 'the for expression condition')))
      continue;
    if (!expr.object) {
      tuple.push(evaluate(expr.value, scope));
      continue;
    }
    const name = guard(expr.key!.pos, () => toStr(evaluate(expr.key!, scope), 'a for expression key'));
    const item = evaluate(expr.value, scope);
    if (expr.group) (grouped[name] ??= []).push(item);
    else if (Object.hasOwn(object, name))
      throw new HclError(
        expr.key!.pos,
        `Duplicate object key: two elements produce the key "${name}"; add "..." after the value to group them`,
      );
    else object[name] = item;
  }
  if (!expr.object) return tuple;
  return expr.group ? grouped : object;
}

/** A child context with extra names (for-expression and template-for variables). */
export function withVars(ctx: EvalContext, vars: Array<[string, Value]>): EvalContext {
  const variables = new Map(ctx.variables);
  for (const [name, value] of vars) variables.set(name, value);
  return { ...ctx, variables };
}

/**
 * A template made of one interpolation yields that value unchanged (so `"${var.count}"` stays
 * a number); otherwise every part is converted to a string.
 */
function evalTemplate(parts: TemplatePart[], ctx: EvalContext, heredoc: boolean): Value {
  if (!heredoc && parts.length === 1 && parts[0]!.kind === 'interp') return evalInterp(parts[0]!, ctx);
  return renderParts(parts, ctx);
}

/** A runtime reference keeps the interpolation's text byte for byte (`${ node.class }`), as jobspec2 does. */
function evalInterp(part: Extract<TemplatePart, { kind: 'interp' }>, ctx: EvalContext): Value {
  const root = traversalRoot(part.expr);
  if (part.raw !== undefined && root && !ctx.variables.has(root.name)) return '${' + part.raw + '}';
  return evaluate(part.expr, ctx);
}

function renderParts(parts: TemplatePart[], ctx: EvalContext): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'interp') out += interpolate(evalInterp(part, ctx), part.expr.pos);
    else if (part.kind === 'if') {
      const cond = guard(part.cond.pos, () => toBool(evaluate(part.cond, ctx), 'the %{if} condition'));
      out += renderParts(cond ? part.then : part.else, ctx);
    } else {
      const source = evaluate(part.collection, ctx);
      const entries: Array<[Value, Value]> = Array.isArray(source)
        ? source.map((item, k) => [k, item])
        : isObject(source)
          ? Object.keys(source)
              .sort()
              .map((key) => [key, source[key]!])
          : (() => {
              throw new HclError(
                part.collection.pos,
                `Iteration over non-iterable value: %{for} needs a collection, not ${typeName(source)}`,
              );
            })();
      for (const [key, value] of entries) {
        out += renderParts(
          part.body,
          withVars(
            ctx,
            part.keyVar
              ? [
                  [part.keyVar, key],
                  [part.valueVar, value],
                ]
              : [[part.valueVar, value]],
          ),
        );
      }
    }
  }
  return out;
}

function interpolate(value: Value, pos: Pos): string {
  if (value === null)
    throw new HclError(
      pos,
      'Invalid template interpolation value: the expression result is null; a null value cannot be included in a string template',
    );
  if (typeof value === 'object')
    throw new HclError(
      pos,
      `Invalid template interpolation value: cannot include a ${typeName(value)} value in a string template; a string is required`,
    );
  return toStr(value);
}
