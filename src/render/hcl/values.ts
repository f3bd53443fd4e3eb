/** An evaluated HCL value: cty's string, number, bool, null, list/tuple/set and map/object. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export type ObjectValue = { [key: string]: Value };

/** Raised for a value of the wrong type; callers add the position and the subject. */
export class ValueError extends Error {}

export function isObject(value: Value): value is ObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** cty's friendly type name, used in error messages. */
export function typeName(value: Value): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'tuple';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** Number to string as cty prints it: integers without a fraction, others in shortest form. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/** Converts a primitive to string as cty's convert does; anything else is an error. */
export function toStr(value: Value, what = 'value'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) throw new ValueError(`${what} is null; a string is required`);
  throw new ValueError(`${what} must be a string, not ${typeName(value)}`);
}

export function toNum(value: Value, what = 'value'): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  if (value === null) throw new ValueError(`${what} is null; a number is required`);
  throw new ValueError(
    `${what} must be a number, not ${typeName(value)}${typeof value === 'string' ? ` ("${value}")` : ''}`,
  );
}

export function toBool(value: Value, what = 'value'): boolean {
  if (typeof value === 'boolean') return value;
  // cty's string-to-bool conversion: "true"/"1" and "false"/"0", lower case only.
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  if (value === null) throw new ValueError(`${what} is null; a bool is required`);
  throw new ValueError(`${what} must be a bool, not ${typeName(value)}`);
}

export function toList(value: Value, what = 'value'): Value[] {
  if (Array.isArray(value)) return value;
  throw new ValueError(`${what} must be a list, set or tuple, not ${typeName(value)}`);
}

export function toMap(value: Value, what = 'value'): ObjectValue {
  if (isObject(value)) return value;
  throw new ValueError(`${what} must be a map or object, not ${typeName(value)}`);
}

/** Structural equality, as HCL's `==` compares values. */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, k) => equal(item, b[k]!));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key]!, b[key]!));
  }
  return false;
}

/** Object with keys in cty's lexical order, as cty maps and objects iterate. */
export function sortedObject(entries: Iterable<[string, Value]>): ObjectValue {
  const out: ObjectValue = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = value;
  return out;
}
