import { ValueError, toNum, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

const num = (args: Value[], k: number, name: string) => toNum(args[k]!, arg(k + 1, name));

/** The numeric functions of jobspec2 (cty stdlib). */
export const numericFunctions: Record<string, HclFunction> = {
  abs: (a) => {
    arity(a, ['num']);
    return Math.abs(num(a, 0, 'num'));
  },
  ceil: (a) => {
    arity(a, ['num']);
    return Math.ceil(num(a, 0, 'num'));
  },
  floor: (a) => {
    arity(a, ['num']);
    return Math.floor(num(a, 0, 'num'));
  },
  log: (a) => {
    arity(a, ['num', 'base']);
    return Math.log(num(a, 0, 'num')) / Math.log(num(a, 1, 'base'));
  },
  pow: (a) => {
    arity(a, ['num', 'power']);
    return num(a, 0, 'num') ** num(a, 1, 'power');
  },
  signum: (a) => {
    arity(a, ['num']);
    return Math.sign(num(a, 0, 'num'));
  },
  max: (a) => {
    if (a.length === 0) throw new ValueError('must pass at least one number');
    return Math.max(...a.map((v, k) => num(a, k, 'numbers')));
  },
  min: (a) => {
    if (a.length === 0) throw new ValueError('must pass at least one number');
    return Math.min(...a.map((v, k) => num(a, k, 'numbers')));
  },
  parseint: (a) => {
    arity(a, ['number', 'base']);
    const base = num(a, 1, 'base');
    if (!Number.isInteger(base) || base < 2 || base > 62)
      throw new ValueError('base must be a whole number between 2 and 62 inclusive');
    const text = toStr(a[0]!, arg(1, 'number'));
    const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const alphabet = base <= 36 ? digits.slice(0, base) + digits.slice(10, base).toUpperCase() : digits.slice(0, base);
    const body = text.replace(/^[+-]/, '');
    if (body === '' || [...body].some((c) => !alphabet.includes(c)))
      throw new ValueError(`cannot parse "${text}" as a base ${base} integer`);
    let n = 0;
    for (const c of body) n = n * base + (base <= 36 ? parseInt(c, 36) : digits.indexOf(c));
    return text.startsWith('-') ? -n : n;
  },
};
