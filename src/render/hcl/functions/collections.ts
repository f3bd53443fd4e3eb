import {
  ValueError,
  equal,
  isObject,
  sortedObject,
  toList,
  toMap,
  toNum,
  toStr,
  typeName,
  type ObjectValue,
  type Value,
} from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

const list = (args: Value[], k: number, name: string) => toList(args[k]!, arg(k + 1, name));

function distinct(items: Value[]): Value[] {
  const out: Value[] = [];
  for (const item of items) if (!out.some((seen) => equal(seen, item))) out.push(item);
  return out;
}

/** Sets iterate in cty's order; for strings and numbers that is sorted order. */
function asSet(items: Value[]): Value[] {
  return distinct(items).sort((x, y) =>
    typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0,
  );
}

function flatten(items: Value[]): Value[] {
  return items.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

/** The collection functions of jobspec2 (cty stdlib). */
export const collectionFunctions: Record<string, HclFunction> = {
  chunklist: (a) => {
    arity(a, ['list', 'size']);
    const items = list(a, 0, 'list');
    const size = toNum(a[1]!, arg(2, 'size'));
    if (size < 0) throw new ValueError('the size argument must be positive');
    if (size === 0) return [items];
    const out: Value[] = [];
    for (let k = 0; k < items.length; k += size) out.push(items.slice(k, k + size));
    return out;
  },
  coalesce: (a) => {
    const found = a.find((v) => v !== null && v !== '');
    if (found === undefined) throw new ValueError('no non-null, non-empty-string arguments');
    return found;
  },
  coalescelist: (a) => {
    a.forEach((v, k) => toList(v, arg(k + 1, 'vals')));
    return (a as Value[][]).find((v) => v.length > 0) ?? [];
  },
  compact: (a) => {
    arity(a, ['list']);
    return list(a, 0, 'list')
      .filter((v) => v !== null && v !== '')
      .map((v) => toStr(v));
  },
  concat: (a) => a.flatMap((v, k) => toList(v, arg(k + 1, 'seqs'))),
  contains: (a) => {
    arity(a, ['list', 'value']);
    return list(a, 0, 'list').some((v) => equal(v, a[1]!));
  },
  distinct: (a) => {
    arity(a, ['list']);
    return distinct(list(a, 0, 'list'));
  },
  element: (a) => {
    arity(a, ['list', 'index']);
    const items = list(a, 0, 'list');
    const index = toNum(a[1]!, arg(2, 'index'));
    if (items.length === 0) throw new ValueError('cannot use element function with an empty list');
    if (index < 0) throw new ValueError('cannot use element function with a negative index');
    return items[Math.floor(index) % items.length]!;
  },
  flatten: (a) => {
    arity(a, ['list']);
    return flatten(list(a, 0, 'list'));
  },
  index: (a) => {
    arity(a, ['list', 'value']);
    const found = list(a, 0, 'list').findIndex((v) => equal(v, a[1]!));
    if (found < 0) throw new ValueError('item not found');
    return found;
  },
  keys: (a) => {
    arity(a, ['inputMap']);
    return Object.keys(toMap(a[0]!, arg(1, 'inputMap'))).sort();
  },
  values: (a) => {
    arity(a, ['values']);
    const m = toMap(a[0]!, arg(1, 'values'));
    return Object.keys(m)
      .sort()
      .map((k) => m[k]!);
  },
  length: (a) => {
    arity(a, ['value']);
    const v = a[0]!;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    if (typeof v === 'string') return [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(v)].length;
    throw new ValueError(`argument 1 (value) must be a collection or string, not ${typeName(v)}`);
  },
  lookup: (a) => {
    if (a.length < 2 || a.length > 3)
      throw new ValueError(`expected 2 or 3 arguments (inputMap, key, default), got ${a.length}`);
    const m = toMap(a[0]!, arg(1, 'inputMap'));
    const key = toStr(a[1]!, arg(2, 'key'));
    if (Object.hasOwn(m, key)) return m[key]!;
    if (a.length === 3) return a[2]!;
    throw new ValueError(`lookup failed to find key "${key}"`);
  },
  merge: (a) => {
    const out: ObjectValue = {};
    a.forEach((v, k) => {
      if (v !== null) Object.assign(out, toMap(v, arg(k + 1, 'maps')));
    });
    return sortedObject(Object.entries(out));
  },
  range: (a) => {
    if (a.length < 1 || a.length > 3)
      throw new ValueError(`expected 1 to 3 arguments (start, limit, step), got ${a.length}`);
    const n = a.map((v, k) => toNum(v, arg(k + 1, 'params')));
    const [start, limit, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? (n[0]! > n[1]! ? -1 : 1)];
    if (step === 0) throw new ValueError('step must not be zero');
    if ((step > 0 && start > limit) || (step < 0 && start < limit))
      throw new ValueError(`the step ${step} cannot reach the limit ${limit} from ${start}`);
    const out: number[] = [];
    for (let v = start; step > 0 ? v < limit : v > limit; v += step) {
      out.push(v);
      if (out.length > 1024)
        throw new ValueError(
          'more than 1024 values were generated; either decrease the difference between start and limit or use a smaller step',
        );
    }
    return out;
  },
  reverse: (a) => {
    arity(a, ['list']);
    return [...list(a, 0, 'list')].reverse();
  },
  setintersection: (a) => {
    arity(a, ['first_set'], true);
    const [first, ...rest] = a.map((v, k) => toList(v, arg(k + 1, 'sets')));
    return asSet(first!.filter((v) => rest.every((other) => other.some((o) => equal(o, v)))));
  },
  setunion: (a) => {
    arity(a, ['first_set'], true);
    return asSet(a.flatMap((v, k) => toList(v, arg(k + 1, 'sets'))));
  },
  setproduct: (a) => {
    if (a.length < 2) throw new ValueError('at least two arguments are required');
    return a
      .map((v, k) => toList(v, arg(k + 1, 'sets')))
      .reduce<Value[][]>((acc, set) => acc.flatMap((prefix) => set.map((item) => [...prefix, item])), [[]]);
  },
  slice: (a) => {
    arity(a, ['list', 'start_index', 'end_index']);
    const items = list(a, 0, 'list');
    const start = toNum(a[1]!, arg(2, 'start_index'));
    const end = toNum(a[2]!, arg(3, 'end_index'));
    if (start < 0) throw new ValueError('the start index must not be less than zero');
    if (end > items.length) throw new ValueError('the end index must not be greater than the length of the list');
    if (start > end) throw new ValueError('the start index must not be greater than the end index');
    return items.slice(start, end);
  },
  sort: (a) => {
    arity(a, ['list']);
    return list(a, 0, 'list')
      .map((v) => toStr(v, 'a list element'))
      .sort();
  },
  zipmap: (a) => {
    arity(a, ['keys', 'values']);
    const keys = list(a, 0, 'keys');
    const values = list(a, 1, 'values');
    if (keys.length !== values.length)
      throw new ValueError(`number of keys (${keys.length}) does not match number of values (${values.length})`);
    return sortedObject(keys.map((k, n) => [toStr(k, 'a key'), values[n]!]));
  },
};
