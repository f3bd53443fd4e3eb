import { parseDuration } from '../../../domain/duration.js';
import { ValueError, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Stamp = { wall: Date; offsetMin: number };

function parseStamp(text: string): Stamp {
  const m = RFC3339.exec(text);
  if (!m) throw new ValueError(`not a valid RFC3339 timestamp: "${text}"`);
  const zone = m[8]!;
  const offsetMin = /z/i.test(zone)
    ? 0
    : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const wall = new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return { wall, offsetMin };
}

const two = (n: number) => String(n).padStart(2, '0');

function zone(offsetMin: number, style: string): string {
  if (offsetMin === 0 && (style === 'Z' || style === 'ZZZ')) return style === 'Z' ? 'Z' : 'UTC';
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return style === 'ZZZZZ'
    ? `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
    : `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** cty's formatdate: Y/M/D/E/h/H/A/a/m/s/Z sequences and 'quoted' literals. */
function formatDate(spec: string, stamp: Stamp): string {
  const d = stamp.wall;
  const tokens = /'(?:[^']|'')*'|Y+|M+|D+|E+|h+|H+|A+|a+|m+|s+|Z+|[^'YMDEhHAamsZ]+/g;
  return spec.replace(tokens, (t) => {
    const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
    switch (t) {
      case 'YYYY':
        return String(d.getUTCFullYear()).padStart(4, '0');
      case 'YY':
        return two(d.getUTCFullYear() % 100);
      case 'MMMM':
        return MONTHS[d.getUTCMonth()]!;
      case 'MMM':
        return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'MM':
        return two(d.getUTCMonth() + 1);
      case 'M':
        return String(d.getUTCMonth() + 1);
      case 'DD':
        return two(d.getUTCDate());
      case 'D':
        return String(d.getUTCDate());
      case 'EEEE':
        return DAYS[d.getUTCDay()]!;
      case 'EEE':
        return DAYS[d.getUTCDay()]!.slice(0, 3);
      case 'hh':
        return two(d.getUTCHours());
      case 'h':
        return String(d.getUTCHours());
      case 'HH':
        return two(hour12);
      case 'H':
        return String(hour12);
      case 'AA':
        return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'aa':
        return d.getUTCHours() < 12 ? 'am' : 'pm';
      case 'mm':
        return two(d.getUTCMinutes());
      case 'm':
        return String(d.getUTCMinutes());
      case 'ss':
        return two(d.getUTCSeconds());
      case 's':
        return String(d.getUTCSeconds());
      case 'Z':
      case 'ZZZ':
      case 'ZZZZ':
      case 'ZZZZZ':
        return zone(stamp.offsetMin, t);
    }
    if (t.startsWith("'")) return t.length === 2 ? "'" : t.slice(1, -1).replace(/''/g, "'");
    if (/^[YMDEhHAamsZ]/.test(t)) throw new ValueError(`invalid date format verb "${t}"`);
    return t;
  });
}

/** The date and time functions of jobspec2 (cty stdlib). */
export const datetimeFunctions: Record<string, HclFunction> = {
  formatdate: (a: Value[]) => {
    arity(a, ['format', 'time']);
    return formatDate(toStr(a[0]!, arg(1, 'format')), parseStamp(toStr(a[1]!, arg(2, 'time'))));
  },
  timeadd: (a: Value[]) => {
    arity(a, ['timestamp', 'duration']);
    const stamp = parseStamp(toStr(a[0]!, arg(1, 'timestamp')));
    let ns: number;
    try {
      ns = parseDuration(toStr(a[1]!, arg(2, 'duration')));
    } catch (error) {
      throw new ValueError((error as Error).message);
    }
    const wall = new Date(stamp.wall.getTime() + Math.trunc(ns / 1e6));
    const base = wall.toISOString().slice(0, 19);
    return base + (stamp.offsetMin === 0 ? 'Z' : zone(stamp.offsetMin, 'ZZZZZ'));
  },
};
