import { ValueError, sortedObject, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';
import { jsonEncode } from './json-encode.js';

const str = (args: Value[], k: number, name: string) => toStr(args[k]!, arg(k + 1, name));

/** JSON to an HCL value; objects get cty's sorted key order. */
function fromJson(value: unknown): Value {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object')
    return sortedObject(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  return value as Value;
}

/** The encoding functions of jobspec2 (cty stdlib and go-cty-funcs/encoding). */
export const encodingFunctions: Record<string, HclFunction> = {
  base64encode: (a) => {
    arity(a, ['str']);
    return Buffer.from(str(a, 0, 'str'), 'utf8').toString('base64');
  },
  base64decode: (a) => {
    arity(a, ['str']);
    const text = str(a, 0, 'str');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw new ValueError(`failed to decode base64 data "${text}"`);
    const bytes = Buffer.from(text, 'base64');
    const decoded = bytes.toString('utf8');
    if (!Buffer.from(decoded, 'utf8').equals(bytes))
      throw new ValueError('the result of decoding the provided string is not valid UTF-8');
    return decoded;
  },
  urlencode: (a) => {
    arity(a, ['str']);
    return encodeURIComponent(str(a, 0, 'str'))
      .replace(/%20/g, '+')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/~/g, '%7E');
  },
  jsonencode: (a) => {
    arity(a, ['val']);
    return jsonEncode(a[0]!);
  },
  jsondecode: (a) => {
    arity(a, ['str']);
    try {
      return fromJson(JSON.parse(str(a, 0, 'str')));
    } catch (error) {
      throw new ValueError(`invalid JSON: ${(error as Error).message}`);
    }
  },
  csvdecode: (a) => {
    arity(a, ['str']);
    return csvDecode(str(a, 0, 'str'));
  },
};

/** RFC 4180 CSV with a header row, every row becoming an object of strings. */
function csvDecode(text: string): Value {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[k + 1] === '\n') k++;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (quoted) throw new ValueError('extraneous or missing " in quoted-field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new ValueError('missing header line');
  return body.map((r, n) => {
    if (r.length !== header.length) throw new ValueError(`record on line ${n + 2}: wrong number of fields`);
    return sortedObject(header.map((h, k) => [h, r[k]!]));
  });
}
