import { ValueError, toNum, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

type Prefix = { v6: boolean; addr: bigint; bits: number };

function parseIp(text: string): { v6: boolean; addr: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { v6: false, addr: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!text.includes(':')) return undefined;
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { v6: true, addr: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function parsePrefix(text: string): Prefix {
  const [ip, bits] = text.split('/');
  const parsed = ip === undefined ? undefined : parseIp(ip);
  const width = parsed?.v6 ? 128 : 32;
  if (!parsed || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > width)
    throw new ValueError(`invalid CIDR address: ${text}`);
  return { ...parsed, bits: Number(bits) };
}

function formatIp(addr: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_v, k) => ((addr >> BigInt(112 - 16 * k)) & 0xffffn).toString(16));
  let best = { start: -1, len: 0 };
  for (let k = 0; k < 8;) {
    if (groups[k] !== '0') {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && groups[e] === '0') e++;
    if (e - k > best.len && e - k > 1) best = { start: k, len: e - k };
    k = e;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

function network(p: Prefix): bigint {
  const width = p.v6 ? 128 : 32;
  const hostBits = BigInt(width - p.bits);
  return (p.addr >> hostBits) << hostBits;
}

function subnet(p: Prefix, newbits: number, netnum: number): Prefix {
  const width = p.v6 ? 128 : 32;
  if (newbits < 0 || p.bits + newbits > width)
    throw new ValueError(`insufficient address space to extend prefix of ${p.bits} by ${newbits}`);
  if (netnum < 0 || BigInt(netnum) >= 1n << BigInt(newbits))
    throw new ValueError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
  const bits = p.bits + newbits;
  return { v6: p.v6, bits, addr: network(p) | (BigInt(netnum) << BigInt(width - bits)) };
}

const prefixArg = (a: Value[]) => parsePrefix(toStr(a[0]!, arg(1, 'prefix')));
const show = (p: Prefix) => `${formatIp(p.addr, p.v6)}/${p.bits}`;

/** The IP network functions of jobspec2 (go-cty-funcs/cidr). */
export const networkFunctions: Record<string, HclFunction> = {
  cidrhost: (a) => {
    arity(a, ['prefix', 'hostnum']);
    const p = prefixArg(a);
    const hostnum = BigInt(toNum(a[1]!, arg(2, 'hostnum')));
    const size = 1n << BigInt((p.v6 ? 128 : 32) - p.bits);
    const offset = hostnum < 0n ? size + hostnum : hostnum;
    if (offset < 0n || offset >= size)
      throw new ValueError(`prefix of ${p.bits} does not accommodate a host numbered ${hostnum}`);
    return formatIp(network(p) + offset, p.v6);
  },
  cidrnetmask: (a) => {
    arity(a, ['prefix']);
    const p = prefixArg(a);
    if (p.v6) throw new ValueError('only IPv4 networks are supported');
    return formatIp(((1n << 32n) - 1n) ^ ((1n << BigInt(32 - p.bits)) - 1n), false);
  },
  cidrsubnet: (a) => {
    arity(a, ['prefix', 'newbits', 'netnum']);
    return show(subnet(prefixArg(a), toNum(a[1]!, arg(2, 'newbits')), toNum(a[2]!, arg(3, 'netnum'))));
  },
  cidrsubnets: (a) => {
    arity(a, ['prefix'], true);
    const p = prefixArg(a);
    const width = p.v6 ? 128 : 32;
    let next = network(p);
    return a.slice(1).map((v, k) => {
      const newbits = toNum(v, arg(k + 2, 'newbits'));
      const bits = p.bits + newbits;
      if (newbits < 1 || bits > width)
        throw new ValueError(
          `would extend prefix to ${bits} bits, which is too long for an IPv${p.v6 ? 6 : 4} address`,
        );
      const size = 1n << BigInt(width - bits);
      const start = ((next + size - 1n) / size) * size;
      if (start + size > network(p) + (1n << BigInt(width - p.bits)))
        throw new ValueError(
          `not enough remaining address space for a subnet with a prefix of ${bits} bits after ${formatIp(next, p.v6)}`,
        );
      next = start + size;
      return show({ v6: p.v6, bits, addr: start });
    });
  },
};
