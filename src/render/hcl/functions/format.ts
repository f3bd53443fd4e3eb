import { ValueError, formatNumber, toBool, toNum, toStr, typeName, type Value } from '../values.js';
import { jsonEncode } from './json-encode.js';

const VERB = /%([-+ #0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])/g;

/** cty's `format`: Go's fmt verbs (%s %d %f %e %g %x %X %o %b %q %t %v %#v) with flags, width and precision. */
export function formatValue(format: string, args: Value[]): string {
  let next = 0;
  const out = format.replace(
    VERB,
    (_all, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      if (next >= args.length) throw new ValueError(`not enough arguments for the format verb %${verb}`);
      const value = args[next++]!;
      const body = formatOne(verb, flags, precision === undefined ? undefined : Number(precision), value);
      return pad(body, flags, width === undefined ? 0 : Number(width), verb);
    },
  );
  if (next < args.length) throw new ValueError(`too many arguments; the format string uses ${next} of ${args.length}`);
  return out;
}

function formatOne(verb: string, flags: string, precision: number | undefined, value: Value): string {
  const sign = (n: number, text: string) =>
    (n >= 0 && flags.includes('+') ? '+' : n >= 0 && flags.includes(' ') ? ' ' : '') + text;
  switch (verb) {
    case 'v':
      if (flags.includes('#')) return jsonEncode(value);
      return value === null ? 'null' : typeof value === 'object' ? jsonEncode(value) : toStr(value);
    case 't':
      return String(toBool(value, 'the %t argument'));
    case 's': {
      const text =
        typeof value === 'object' && value !== null ? failVerb(verb, value) : toStr(value, 'the %s argument');
      return precision === undefined ? text : [...text].slice(0, precision).join('');
    }
    case 'q':
      return JSON.stringify(toStr(value, 'the %q argument'));
    case 'd': {
      const n = toNum(value, 'the %d argument');
      if (!Number.isInteger(n)) throw new ValueError(`%d requires an integer, got ${formatNumber(n)}`);
      return sign(n, formatNumber(n));
    }
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      if (verb === 'x' || verb === 'X') {
        if (typeof value === 'string') return hexString(value, verb);
      }
      const n = toNum(value, `the %${verb} argument`);
      const radix = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      const text = Math.trunc(Math.abs(n)).toString(radix);
      const prefixed =
        (n < 0 ? '-' : '') + (flags.includes('#') ? (verb === 'o' ? '0' : verb === 'b' ? '' : '0x') : '') + text;
      return verb === 'X' ? prefixed.toUpperCase() : prefixed;
    }
    case 'e':
    case 'E': {
      const n = toNum(value, `the %${verb} argument`);
      const text = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return sign(n, verb === 'E' ? text.toUpperCase() : text);
    }
    case 'f':
    case 'F': {
      const n = toNum(value, `the %${verb} argument`);
      return sign(n, n.toFixed(precision ?? 6));
    }
    case 'g':
    case 'G': {
      const n = toNum(value, `the %${verb} argument`);
      const text = precision === undefined ? String(n) : String(Number(n.toPrecision(precision)));
      return sign(n, verb === 'G' ? text.toUpperCase() : text);
    }
    default:
      throw new ValueError(`unsupported format verb %${verb}`);
  }
}

function failVerb(verb: string, value: Value): never {
  throw new ValueError(`unsupported value for "%${verb}": ${typeName(value)} value`);
}

function hexString(value: string, verb: string): string {
  const hex = Buffer.from(value, 'utf8').toString('hex');
  return verb === 'X' ? hex.toUpperCase() : hex;
}

function pad(text: string, flags: string, width: number, verb: string): string {
  const length = [...text].length;
  if (length >= width) return text;
  if (flags.includes('-')) return text + ' '.repeat(width - length);
  if (flags.includes('0') && 'dfFeEgGxXob'.includes(verb)) {
    const sign = /^[+-]/.test(text) ? text[0]! : '';
    return sign + '0'.repeat(width - length) + text.slice(sign.length);
  }
  return ' '.repeat(width - length) + text;
}
