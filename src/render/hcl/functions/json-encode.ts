import { formatNumber, type Value } from '../values.js';

/**
 * JSON as cty's jsonencode writes it: object keys sorted, no spaces, and `<`, `>`, `&`
 * escaped as \u003c, \u003e, \u0026 the way Go's encoder does.
 */
export function jsonEncode(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return goString(value);
  if (Array.isArray(value)) return `[${value.map(jsonEncode).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${goString(key)}:${jsonEncode(value[key]!)}`)
    .join(',')}}`;
}

function goString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
