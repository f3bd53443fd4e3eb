import { HclError, type Expr } from './ast.js';
import { ValueError, isObject, toBool, toNum, toStr, typeName, type ObjectValue, type Value } from './values.js';

/** A type constraint as written in `variable { type = ... }` and `convert(v, type)`. */
export type HclType =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; elem: HclType }
  | { kind: 'object'; attrs: Record<string, { type: HclType; optional: boolean; default?: Value }> }
  | { kind: 'tuple'; elems: HclType[] };

const PRIMITIVES = new Set(['string', 'number', 'bool', 'any']);

/** Reads a type expression; `evalDefault` evaluates `optional(T, default)` defaults. */
export function parseType(expr: Expr, evalDefault: (e: Expr) => Value = () => null): HclType {
  if (expr.kind === 'variable' && PRIMITIVES.has(expr.name)) return { kind: expr.name as 'string' };
  if (expr.kind === 'call' && ['list', 'set', 'map'].includes(expr.name) && expr.args.length === 1) {
    return { kind: expr.name as 'list', elem: parseType(expr.args[0]!, evalDefault) };
  }
  if (expr.kind === 'call' && expr.name === 'tuple' && expr.args.length === 1 && expr.args[0]!.kind === 'tuple') {
    return { kind: 'tuple', elems: expr.args[0]!.items.map((item) => parseType(item, evalDefault)) };
  }
  if (expr.kind === 'call' && expr.name === 'object' && expr.args.length === 1 && expr.args[0]!.kind === 'object') {
    const attrs: Extract<HclType, { kind: 'object' }>['attrs'] = {};
    for (const item of expr.args[0]!.items) {
      if (item.key.kind !== 'literal' || typeof item.key.value !== 'string')
        throw new HclError(item.key.pos, 'Invalid type specification: object attribute names must be identifiers');
      const value = item.value;
      if (value.kind === 'call' && value.name === 'optional' && (value.args.length === 1 || value.args.length === 2)) {
        attrs[item.key.value] = {
          type: parseType(value.args[0]!, evalDefault),
          optional: true,
          default: value.args[1] ? evalDefault(value.args[1]) : undefined,
        };
      } else attrs[item.key.value] = { type: parseType(value, evalDefault), optional: false };
    }
    return { kind: 'object', attrs };
  }
  throw new HclError(
    expr.pos,
    'Invalid type specification: expected string, number, bool, any, list(T), set(T), map(T), object({...}) or tuple([...])',
  );
}

/** Converts a value to a type as cty's convert does (numbers from numeric strings, etc.). */
export function convertTo(value: Value, type: HclType, what = 'value'): Value {
  if (value === null || type.kind === 'any') return value;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'object') throw new ValueError(`${what}: string required, got ${typeName(value)}`);
      return toStr(value, what);
    case 'number':
      return toNum(value, what);
    case 'bool':
      return toBool(value, what);
    case 'list':
    case 'set': {
      if (!Array.isArray(value))
        throw new ValueError(`${what}: ${type.kind} of ${describe(type.elem)} required, got ${typeName(value)}`);
      const items = value.map((item, k) => convertTo(item, type.elem, `${what}[${k}]`));
      return type.kind === 'set'
        ? items.filter((item, k) => items.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === k)
        : items;
    }
    case 'map': {
      if (!isObject(value))
        throw new ValueError(`${what}: map of ${describe(type.elem)} required, got ${typeName(value)}`);
      const out: ObjectValue = {};
      for (const key of Object.keys(value)) out[key] = convertTo(value[key]!, type.elem, `${what}["${key}"]`);
      return out;
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.elems.length)
        throw new ValueError(`${what}: tuple of ${type.elems.length} elements required`);
      return value.map((item, k) => convertTo(item, type.elems[k]!, `${what}[${k}]`));
    }
    case 'object': {
      if (!isObject(value)) throw new ValueError(`${what}: object required, got ${typeName(value)}`);
      const out: ObjectValue = {};
      for (const [name, attr] of Object.entries(type.attrs)) {
        if (Object.hasOwn(value, name) && value[name] !== null)
          out[name] = convertTo(value[name]!, attr.type, `${what}.${name}`);
        else if (attr.optional)
          out[name] = attr.default === undefined ? null : convertTo(attr.default, attr.type, `${what}.${name}`);
        else throw new ValueError(`${what}: attribute "${name}" is required`);
      }
      return out;
    }
  }
}

/** The type's name as written in HCL, for messages. */
export function describe(type: HclType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${describe(type.elem)})`;
    case 'tuple':
      return `tuple([${type.elems.map(describe).join(', ')}])`;
    case 'object':
      return `object({${Object.entries(type.attrs)
        .map(([k, a]) => `${k}=${describe(a.type)}`)
        .join(', ')}})`;
    default:
      return type.kind;
  }
}
