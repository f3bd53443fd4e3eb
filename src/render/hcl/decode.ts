import { parseDuration } from '../../domain/duration.js';
import { HclError, type Attribute, type Block, type Body, type Pos } from './ast.js';
import { expandBlocks, type ScopedBlock } from './dynamic.js';
import { evaluate, guard, type EvalContext } from './eval.js';
import { structSpec, type AttrKind, type AttrSpec, type BlockSpec, type StructSpec } from './schema.js';
import { freeForm, freeFormBlocks } from './free-form.js';
import { HOOKS } from './hooks.js';
import { ValueError, isObject, toBool, toList, toNum, toStr, typeName, type Value } from './values.js';
import type { Problem } from './variables.js';

const NO_SKIP: ReadonlySet<string> = new Set();

/** Zero values of plain Go fields, which encoding/json always writes. */
const ZERO: Partial<Record<AttrKind, unknown>> = { s: '', i: 0, f: 0, b: false, d: 0 };

/** `skip`: blocks the caller decodes itself; `label`: the field the block label fills; `at`: where rule errors point. */
export type DecodeOptions = { skip?: ReadonlySet<string>; label?: [string, string]; at?: Pos };

/** A decoded api struct: JSON keys in the api struct's field order. */
export type Decoded = Record<string, unknown>;

/**
 * Decodes a block body into the API JSON of `structName`, driven only by the schema table.
 * Problems are collected so that one render reports every bad attribute.
 */
export function decodeBody(
  body: Body,
  structName: string,
  ctx: EvalContext,
  problems: Problem[],
  options: DecodeOptions = {},
): Decoded {
  const { skip = NO_SKIP, label, at = body.pos } = options;
  const spec = structSpec(structName);
  const values = new Map<string, unknown>();
  if (label) values.set(label[0], label[1]);
  for (const attr of body.attributes) decodeAttribute(attr, spec, ctx, problems, values, label?.[0]);
  const blocks = expandBlocks(body, ctx, problems).filter(({ block }) => !skip.has(block.type));
  const byType = new Map<string, ScopedBlock[]>();
  for (const scoped of blocks) {
    const list = byType.get(scoped.block.type);
    if (list) list.push(scoped);
    else byType.set(scoped.block.type, [scoped]);
  }
  for (const [type, group] of byType) {
    const attrSpec = spec.attrs.get(type);
    if (attrSpec && (attrSpec.kind === 'm' || attrSpec.kind === 'any' || attrSpec.kind === 'hm')) {
      if (values.has(attrSpec.json))
        problems.push({
          pos: group[0]!.block.pos,
          message: `Duplicate ${type}: "${type}" is set both as an argument and as a block`,
        });
      else
        record(problems, group[0]!.block.pos, () => values.set(attrSpec.json, blockAsAttribute(group, attrSpec.kind)));
      continue;
    }
    const blockSpec = spec.blocks.get(type);
    if (!blockSpec) {
      problems.push({
        pos: group[0]!.block.pos,
        message: `Unsupported block type: blocks of type "${type}" are not expected in ${describeStruct(spec)}`,
      });
      continue;
    }
    decodeBlocks(group, blockSpec, problems, values);
  }
  requireArguments(body, spec, problems, at);
  for (const attr of spec.attrs.values())
    if (attr.plain && !values.has(attr.json) && ZERO[attr.kind] !== undefined) values.set(attr.json, ZERO[attr.kind]);
  for (const field of spec.jsonOnly) if (!values.has(field.json)) values.set(field.json, ZERO[field.kind]);
  const out: Decoded = {};
  for (const field of spec.order) if (values.get(field) !== undefined) out[field] = values.get(field);
  const hook = HOOKS[structName];
  if (!hook) return out;
  try {
    return hook(out);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    problems.push({ pos: at, message: error.message });
    return out;
  }
}

/** gohcl's rule for a field tagged without `optional`: the argument must be written. */
function requireArguments(body: Body, spec: StructSpec, problems: Problem[], at: Pos): void {
  for (const attr of spec.attrs.values()) {
    if (!attr.required || body.attributes.some((a) => a.name === attr.hcl)) continue;
    problems.push({
      pos: at,
      message: `Missing required argument: the argument "${attr.hcl}" is required in ${describeStruct(spec)}, but was not set`,
    });
  }
}

function describeStruct(spec: StructSpec): string {
  return `${/^[aeiou]/.test(spec.name) ? 'an' : 'a'} ${spec.name} block`;
}

function record(problems: Problem[], pos: Pos, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof HclError) problems.push({ pos: error.pos, message: error.message });
    else if (error instanceof ValueError) problems.push({ pos, message: error.message });
    else throw error;
  }
}

function decodeAttribute(
  attr: Attribute,
  spec: StructSpec,
  ctx: EvalContext,
  problems: Problem[],
  values: Map<string, unknown>,
  labelField: string | undefined,
): void {
  const attrSpec = spec.attrs.get(attr.name);
  const refusal = attrSpec ? refuseArgument(attr.name, attrSpec, spec, labelField) : undefined;
  if (refusal) {
    problems.push({ pos: attr.pos, message: refusal });
    return;
  }
  if (!attrSpec) {
    const hint = spec.blocks.has(attr.name) ? `; "${attr.name}" is a block, write ${attr.name} { ... }` : '';
    problems.push({
      pos: attr.pos,
      message: `Unsupported argument: an argument named "${attr.name}" is not expected in ${describeStruct(spec)}${hint}`,
    });
    return;
  }
  record(problems, attr.expr.pos, () => {
    if (attrSpec.kind === 'any') {
      values.set(attrSpec.json, freeForm(attr.expr, ctx));
      return;
    }
    const value = evaluate(attr.expr, ctx);
    if (value === null) return;
    values.set(
      attrSpec.json,
      guard(attr.expr.pos, () => convertAttr(value, attrSpec), `Inappropriate value for attribute "${attr.name}": `),
    );
  });
}

/**
 * Fields HCL accepts only in another form: a label field (`group "web"`, not `name = "web"`;
 * task scaling is the exception, jobspec2 reads its `type` next to the label) and map fields
 * tagged as blocks (`header { ... }`, not `header = {...}`).
 */
function refuseArgument(
  name: string,
  attr: AttrSpec,
  spec: StructSpec,
  labelField: string | undefined,
): string | undefined {
  if (labelField !== undefined && attr.json === labelField && spec.name !== 'scaling')
    return (
      `Unsupported argument: an argument named "${name}" is not expected in ${describeStruct(spec)}; ` +
      `the block's label sets it: write ${spec.name} "<${name}>" { ... }`
    );
  if ((attr.kind === 'm' || attr.kind === 'hm' || attr.kind === 'any') && !attr.asArgument)
    return (
      `Unsupported argument: an argument named "${name}" is not expected in ${describeStruct(spec)}; ` +
      `did you mean to define a block of type "${name}"? write ${name} { ... }`
    );
  return undefined;
}

/** Converts a value to an api field's Go type, as gohcl and jobspec2's duration decoder do. */
export function convertAttr(value: Value, spec: Pick<AttrSpec, 'kind'>): unknown {
  const kind: AttrKind = spec.kind;
  switch (kind) {
    case 's':
      if (typeof value === 'object') throw new ValueError(`string required, got ${typeName(value)}`);
      return toStr(value);
    case 'i': {
      const n = toNum(value);
      if (!Number.isInteger(n)) throw new ValueError(`a whole number is required, got ${n}`);
      return n;
    }
    case 'f':
      return toNum(value);
    case 'b':
      return toBool(value);
    case 'd':
      if (typeof value === 'number') return value;
      try {
        return parseDuration(toStr(value));
      } catch (error) {
        throw new ValueError(`${(error as Error).message}; durations look like "30s", "5m" or "1h30m"`);
      }
    case 'ss':
      return toList(value).map((item) => toStr(item, 'a list element'));
    case 'is':
      return toList(value).map((item) => convertAttr(item, { kind: 'i' }));
    case 'm': {
      if (!isObject(value)) throw new ValueError(`map of string required, got ${typeName(value)}`);
      return sortedStrings(value);
    }
    case 'hm': {
      if (!isObject(value)) throw new ValueError(`map of list of string required, got ${typeName(value)}`);
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, toList(value[key]!, `header "${key}"`).map((item) => toStr(item))]),
      );
    }
    case 'raw':
    case 'any':
      return value;
  }
}

function sortedStrings(value: Record<string, Value>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, toStr(value[key]!, `the value of "${key}"`)]),
  );
}

/** `meta { ... }`, `env { ... }`, `config { ... }` written as blocks (jobspec2's BlocksAsAttrs). */
function blockAsAttribute(group: ScopedBlock[], kind: AttrKind): unknown {
  if (kind === 'any') return freeFormBlocks(group, false);
  if (group.length > 1)
    throw new HclError(group[1]!.block.pos, `Duplicate ${group[1]!.block.type} block: only one is allowed here`);
  const { block, ctx } = group[0]!;
  if (block.labels.length > 0 || block.body.blocks.length > 0)
    throw new HclError(block.pos, `Invalid ${block.type} block: it holds only name = value arguments`);
  const object: Record<string, Value> = {};
  for (const attr of block.body.attributes) object[attr.name] = evaluate(attr.expr, ctx);
  return convertAttr(object, { kind });
}

function decodeBlocks(group: ScopedBlock[], spec: BlockSpec, problems: Problem[], values: Map<string, unknown>): void {
  if (spec.struct === 'unsupported') {
    problems.push({
      pos: group[0]!.block.pos,
      message: `Unsupported block: "${spec.hcl}" is not supported by the local renderer; use render = "server" for this job`,
    });
    return;
  }
  if (spec.mode === 'last') group = group.slice(-1);
  if (spec.mode === 'single' && group.length > 1) {
    problems.push({
      pos: group[1]!.block.pos,
      message:
        `Duplicate ${spec.hcl} block: only one "${spec.hcl}" block is allowed here; ` +
        `the first is at line ${group[0]!.block.pos.line}`,
    });
  }
  const decoded: Array<{ block: Block; value: Decoded }> = [];
  for (const { block, ctx } of spec.mode === 'single' ? group.slice(0, 1) : group) {
    const wanted = spec.label ? 1 : 0;
    if (block.labels.length !== wanted) {
      problems.push({
        pos: block.pos,
        message:
          block.labels.length < wanted
            ? `Missing name for ${spec.hcl}: a "${spec.hcl}" block needs a label`
            : `Extraneous label for ${spec.hcl}: a "${spec.hcl}" block takes ${wanted === 0 ? 'no labels' : 'one label'}`,
      });
      continue;
    }
    const label: [string, string] | undefined =
      spec.label && block.labels[0] !== undefined ? [spec.label, block.labels[0]] : undefined;
    decoded.push({ block, value: decodeBody(block.body, spec.struct, ctx, problems, { label, at: block.pos }) });
  }
  if (spec.mode === 'single' || spec.mode === 'last') {
    if (decoded[0]) values.set(spec.json, decoded[0].value);
  } else if (spec.mode === 'list')
    values.set(
      spec.json,
      decoded.map((d) => d.value),
    );
  else values.set(spec.json, Object.fromEntries(decoded.map((d) => [d.block.labels[0]!, d.value])));
}
