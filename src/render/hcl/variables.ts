import { HclError, type Attribute, type Block, type Body, type Expr, type Pos } from './ast.js';
import { evaluate, guard, unsetMessage, type EvalContext } from './eval.js';
import { ExprParser } from './expr-parser.js';
import { convertTo, describe, parseType, type HclType } from './types.js';
import { toStr, type ObjectValue, type Value } from './values.js';

/** Variable values from outside the job file, lowest precedence first (as Nomad applies them). */
export type VariableInputs = {
  /** `NOMAD_VAR_<name>` values (raw strings); undeclared names are ignored, as Nomad does. */
  env?: Record<string, string>;
  /** Parsed var-files, in order; each attribute assigns one variable. */
  varFiles?: Array<{ file: string; attributes: Attribute[]; src: string }>;
  /** The app's `vars` / `--var k=v` (raw strings, highest precedence). */
  vars?: Record<string, string>;
  /**
   * When set, a value given for a variable this file does not declare is reported here instead
   * of failing the file, so an app's shared vars may serve several job files; the caller fails
   * the names that no file declares. `declared` hears every declared name.
   */
  shared?: { undeclared: (name: string, problem: Problem) => void; declared: (name: string) => void };
};

type Declared = { name: string; pos: Pos; type?: HclType; value?: Value; set: boolean; validations: Block[] };

/** Problems are collected, not thrown, so one render reports all of them. */
export type Problem = { file?: string; pos?: Pos; message: string };

/**
 * Builds `var` from `variable`/`variables` blocks and the inputs, with type conversion and
 * validation. Returns the object bound to `var` in expressions and the names declared without a value.
 */
export function resolveVariables(
  body: Body,
  ctx: EvalContext,
  inputs: VariableInputs,
  problems: Problem[],
): { values: ObjectValue; unset: Set<string> } {
  const declared = new Map<string, Declared>();
  for (const block of body.blocks) {
    if (block.type === 'variable') declareBlock(block, ctx, declared, problems);
    else if (block.type === 'variables') {
      for (const attr of block.body.attributes)
        declare(declared, problems, { name: attr.name, pos: attr.pos, set: false, validations: [] }, () =>
          evaluate(attr.expr, ctx),
        );
    }
  }
  for (const [name, raw] of Object.entries(inputs.env ?? {})) {
    const variable = declared.get(name);
    if (variable) assignRaw(variable, raw, `NOMAD_VAR_${name}`, problems);
  }
  for (const varFile of inputs.varFiles ?? []) {
    for (const attr of varFile.attributes) {
      const variable = declared.get(attr.name);
      if (!variable) {
        undeclared(inputs, problems, attr.name, {
          file: varFile.file,
          pos: attr.pos,
          message: `Undefined variable: "${attr.name}" is set in this var-file but no job file declares a variable "${attr.name}"`,
        });
        continue;
      }
      try {
        assign(
          variable,
          evaluate(attr.expr, { ...ctx, src: varFile.src, variables: new Map() }),
          `var-file ${varFile.file}`,
        );
      } catch (error) {
        problems.push({
          file: varFile.file,
          pos: error instanceof HclError ? error.pos : attr.pos,
          message: (error as Error).message,
        });
      }
    }
  }
  for (const [name, raw] of Object.entries(inputs.vars ?? {})) {
    const variable = declared.get(name);
    if (variable) assignRaw(variable, raw, `-var ${name}`, problems);
    else
      undeclared(inputs, problems, name, {
        message: `Undefined -var variable: "${name}" was given a value but no variable "${name}" is declared`,
      });
  }
  for (const name of declared.keys()) inputs.shared?.declared(name);
  const out: ObjectValue = {};
  const unset = new Set<string>();
  for (const variable of declared.values()) {
    if (!variable.set) {
      problems.push({ pos: variable.pos, message: unsetMessage(variable.name) });
      unset.add(variable.name);
      continue;
    }
    out[variable.name] = variable.value ?? null;
  }
  for (const variable of declared.values()) validate(variable, out, ctx, problems);
  return { values: out, unset };
}

function undeclared(inputs: VariableInputs, problems: Problem[], name: string, problem: Problem): void {
  if (inputs.shared) inputs.shared.undeclared(name, problem);
  else problems.push(problem);
}

function declare(declared: Map<string, Declared>, problems: Problem[], variable: Declared, value?: () => Value): void {
  if (declared.has(variable.name)) {
    problems.push({ pos: variable.pos, message: `Duplicate variable: "${variable.name}" is declared twice` });
    return;
  }
  declared.set(variable.name, variable);
  if (value) {
    try {
      assign(variable, value(), 'default');
    } catch (error) {
      problems.push({ pos: error instanceof HclError ? error.pos : variable.pos, message: (error as Error).message });
    }
  }
}

function declareBlock(block: Block, ctx: EvalContext, declared: Map<string, Declared>, problems: Problem[]): void {
  const name = block.labels[0];
  if (block.labels.length !== 1 || name === undefined) {
    problems.push({
      pos: block.pos,
      message: 'Invalid variable block: a variable block needs exactly one label, its name',
    });
    return;
  }
  const variable: Declared = {
    name,
    pos: block.pos,
    set: false,
    validations: block.body.blocks.filter((b) => b.type === 'validation'),
  };
  for (const attr of block.body.attributes) {
    if (!['type', 'default', 'description', 'sensitive'].includes(attr.name))
      problems.push({
        pos: attr.pos,
        message: `Unsupported argument: an argument named "${attr.name}" is not expected in a variable block`,
      });
  }
  for (const inner of block.body.blocks) {
    if (inner.type !== 'validation')
      problems.push({
        pos: inner.pos,
        message: `Unsupported block type: blocks of type "${inner.type}" are not expected in a variable block`,
      });
  }
  const typeAttr = block.body.attributes.find((a) => a.name === 'type');
  try {
    if (typeAttr) variable.type = parseType(typeAttr.expr, (e) => evaluate(e, ctx));
  } catch (error) {
    problems.push({ pos: (error as HclError).pos ?? block.pos, message: (error as Error).message });
  }
  const defaultAttr = block.body.attributes.find((a) => a.name === 'default');
  declare(declared, problems, variable, defaultAttr ? () => evaluate(defaultAttr.expr, ctx) : undefined);
  // Like jobspec2, an untyped variable takes the type of its default, so `--var n=3` for
  // `default = 1` is the number 3.
  if (!variable.type && variable.set) variable.type = impliedType(variable.value ?? null);
}

function impliedType(value: Value): HclType | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return { kind: 'string' };
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'boolean') return { kind: 'bool' };
  return { kind: 'any' };
}

function assign(variable: Declared, value: Value, from: string): void {
  variable.value = variable.type
    ? guard(
        variable.pos,
        () => convertTo(value, variable.type!, `the value for ${variable.name} from ${from}`),
        `Invalid value for variable "${variable.name}": not compatible with its type ${describe(variable.type)}: `,
      )
    : value;
  variable.set = true;
}

/** CLI and env values are literal strings for string/number/untyped variables, HCL otherwise. */
function assignRaw(variable: Declared, raw: string, from: string, problems: Problem[]): void {
  try {
    const kind = variable.type?.kind;
    if (kind === undefined || kind === 'string' || kind === 'number') {
      assign(variable, raw, from);
      return;
    }
    const p = new ExprParser(raw);
    const expr = p.parseExpression();
    p.skip(true);
    if (!p.atEnd()) p.fail('Extra characters after the value expression');
    assign(variable, evaluate(expr, { src: raw, variables: new Map(), functions: {} }), from);
  } catch (error) {
    problems.push({
      pos: variable.pos,
      message: `Invalid value for variable "${variable.name}" from ${from}: ${(error as Error).message}`,
    });
  }
}

function validate(variable: Declared, vars: ObjectValue, ctx: EvalContext, problems: Problem[]): void {
  if (!(variable.name in vars)) return;
  const scope: EvalContext = { ...ctx, variables: new Map([['var', { [variable.name]: vars[variable.name]! }]]) };
  for (const block of variable.validations) {
    const condition = block.body.attributes.find((a) => a.name === 'condition');
    const message = block.body.attributes.find((a) => a.name === 'error_message');
    if (!condition || !message) {
      problems.push({
        pos: block.pos,
        message: 'Missing required argument: a validation block needs "condition" and "error_message"',
      });
      continue;
    }
    try {
      if (evaluate(condition.expr, scope) !== true) {
        problems.push({
          pos: condition.pos,
          message: `Invalid value for variable "${variable.name}": ${toStr(evaluate(message.expr, scope))}`,
        });
      }
    } catch (error) {
      problems.push({ pos: error instanceof HclError ? error.pos : condition.pos, message: (error as Error).message });
    }
  }
}

/** Names of `local.x` references in an expression, for ordering locals. */
export function localRefs(expr: Expr, out = new Set<string>()): Set<string> {
  if (expr.kind === 'getattr' && expr.target.kind === 'variable' && expr.target.name === 'local') out.add(expr.name);
  for (const child of Object.values(expr)) {
    if (child && typeof child === 'object' && 'kind' in child && 'pos' in child) localRefs(child as Expr, out);
    else if (Array.isArray(child)) {
      for (const item of child) {
        if (item && typeof item === 'object') {
          if ('kind' in item && 'pos' in item) localRefs(item as Expr, out);
          for (const inner of Object.values(item))
            if (inner && typeof inner === 'object' && 'kind' in inner && 'pos' in inner) localRefs(inner as Expr, out);
        }
      }
    }
  }
  return out;
}
