import { parse } from 'yaml';
import { ValueError, formatNumber, isObject, sortedObject, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

function fromYaml(value: unknown): Value {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(fromYaml);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object')
    return sortedObject(Object.entries(value).map(([k, v]) => [k, fromYaml(v)]));
  return value as Value;
}

/** Block-style YAML as go-cty-yaml writes it: keys and strings double-quoted, keys sorted. */
function toYaml(value: Value, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value.map((item) => `${indent}-${nested(item, indent + '  ', true)}`).join('');
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}\n';
    return keys.map((key) => `${indent}${JSON.stringify(key)}:${nested(value[key]!, indent + '  ', false)}`).join('');
  }
  return scalar(value) + '\n';
}

/** A value after `- ` or `key:`: scalars inline, collections on the following lines. */
function nested(value: Value, indent: string, inList: boolean): string {
  if (Array.isArray(value) && value.length > 0)
    return inList ? ' ' + toYaml(value, indent).trimStart() : '\n' + toYaml(value, indent.slice(2));
  if (isObject(value) && Object.keys(value).length > 0)
    return inList ? ' ' + toYaml(value, indent).trimStart() : '\n' + toYaml(value, indent);
  return ' ' + toYaml(value, indent);
}

function scalar(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** YAML functions of jobspec2 (go-cty-yaml). */
export const yamlFunctions: Record<string, HclFunction> = {
  yamldecode: (a) => {
    arity(a, ['src']);
    try {
      return fromYaml(parse(toStr(a[0]!, arg(1, 'src'))));
    } catch (error) {
      throw new ValueError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  },
  yamlencode: (a) => {
    arity(a, ['value']);
    return toYaml(a[0]!, '');
  },
};
