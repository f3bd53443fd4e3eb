import { ValueError, toList, toNum, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';
import { formatValue } from './format.js';

const str = (args: Value[], k: number, name: string) => toStr(args[k]!, arg(k + 1, name));

/** Go's regexp syntax is close to JavaScript's for the patterns job files use; named groups differ. */
function goRegex(pattern: string, flags = 'g'): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch (error) {
    throw new ValueError(`invalid regular expression: ${(error as Error).message}`);
  }
}

/** The string functions of jobspec2 (cty stdlib). */
export const stringFunctions: Record<string, HclFunction> = {
  chomp: (a) => {
    arity(a, ['str']);
    return str(a, 0, 'str').replace(/(\r\n|\n|\r)+$/, '');
  },
  format: (a) => {
    arity(a, ['format'], true);
    return formatValue(str(a, 0, 'format'), a.slice(1));
  },
  formatlist: (a) => {
    arity(a, ['format'], true);
    const lists = a.slice(1).filter(Array.isArray) as Value[][];
    const n = lists.length === 0 ? 1 : lists[0]!.length;
    if (lists.some((list) => list.length !== n)) throw new ValueError('all list arguments must have the same length');
    return Array.from({ length: n }, (_v, k) =>
      formatValue(
        str(a, 0, 'format'),
        a.slice(1).map((item) => (Array.isArray(item) ? item[k]! : item)),
      ),
    );
  },
  indent: (a) => {
    arity(a, ['spaces', 'str']);
    const pad = ' '.repeat(toNum(a[0]!, arg(1, 'spaces')));
    return str(a, 1, 'str').replace(/\n/g, '\n' + pad);
  },
  join: (a) => {
    arity(a, ['separator', 'lists'], true);
    return a
      .slice(1)
      .flatMap((list, k) => toList(list, arg(k + 2, 'lists')).map((item) => toStr(item, 'a list element')))
      .join(str(a, 0, 'separator'));
  },
  lower: (a) => {
    arity(a, ['str']);
    return str(a, 0, 'str').toLowerCase();
  },
  upper: (a) => {
    arity(a, ['str']);
    return str(a, 0, 'str').toUpperCase();
  },
  replace: (a) => {
    arity(a, ['str', 'substr', 'replace']);
    const search = str(a, 1, 'substr');
    const match = /^\/(.*)\/$/s.exec(search);
    const replacement = str(a, 2, 'replace');
    return match
      ? str(a, 0, 'str').replace(goRegex(match[1]!), goReplacement(replacement))
      : str(a, 0, 'str').split(search).join(replacement);
  },
  regex_replace: (a) => {
    arity(a, ['str', 'substr', 'replace']);
    return str(a, 0, 'str').replace(goRegex(str(a, 1, 'substr')), goReplacement(str(a, 2, 'replace')));
  },
  split: (a) => {
    arity(a, ['separator', 'str']);
    return str(a, 1, 'str').split(str(a, 0, 'separator'));
  },
  strlen: (a) => {
    arity(a, ['str']);
    return [...segmenter().segment(str(a, 0, 'str'))].length;
  },
  strrev: (a) => {
    arity(a, ['str']);
    return [...segmenter().segment(str(a, 0, 'str'))]
      .map((s) => s.segment)
      .reverse()
      .join('');
  },
  substr: (a) => {
    arity(a, ['str', 'offset', 'length']);
    const chars = [...segmenter().segment(str(a, 0, 'str'))].map((s) => s.segment);
    let offset = toNum(a[1]!, arg(2, 'offset'));
    let length = toNum(a[2]!, arg(3, 'length'));
    if (offset < 0) offset += chars.length;
    if (offset < 0 || offset > chars.length) throw new ValueError('offset is out of range for the given string');
    if (length < 0) length = chars.length - offset;
    return chars.slice(offset, offset + length).join('');
  },
  title: (a) => {
    arity(a, ['str']);
    return str(a, 0, 'str').replace(
      /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
      (_m, before: string, c: string) => before + c.toUpperCase(),
    );
  },
  trim: (a) => {
    arity(a, ['str', 'cutset']);
    const cut = new Set([...str(a, 1, 'cutset')]);
    const chars = [...str(a, 0, 'str')];
    let s = 0;
    let e = chars.length;
    while (s < e && cut.has(chars[s]!)) s++;
    while (e > s && cut.has(chars[e - 1]!)) e--;
    return chars.slice(s, e).join('');
  },
  trimprefix: (a) => {
    arity(a, ['str', 'prefix']);
    const s = str(a, 0, 'str');
    const p = str(a, 1, 'prefix');
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (a) => {
    arity(a, ['str', 'suffix']);
    const s = str(a, 0, 'str');
    const p = str(a, 1, 'suffix');
    return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  trimspace: (a) => {
    arity(a, ['str']);
    return str(a, 0, 'str').trim();
  },
};

/** Go's `$1`/`${name}` replacement syntax maps onto JavaScript's `$1`/`$<name>`. */
function goReplacement(text: string): string {
  return text.replace(/\$\{(\w+)\}/g, (_m, name: string) => (/^\d+$/.test(name) ? `$${name}` : `$<${name}>`));
}

let cachedSegmenter: Intl.Segmenter | undefined;
/** cty counts and slices strings by grapheme cluster, not by UTF-16 unit. */
function segmenter(): Intl.Segmenter {
  cachedSegmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return cachedSegmenter;
}
