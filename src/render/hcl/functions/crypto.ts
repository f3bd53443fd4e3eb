import { createHash, randomUUID } from 'node:crypto';
import { ValueError, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

const str = (args: Value[], k: number, name: string) => toStr(args[k]!, arg(k + 1, name));
const hash =
  (algorithm: string): HclFunction =>
  (a) => {
    arity(a, ['str']);
    return createHash(algorithm)
      .update(str(a, 0, 'str'), 'utf8')
      .digest('hex');
  };

const NAMESPACES: Record<string, string> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** RFC 4122 name-based UUID (SHA-1, version 5). */
function uuidV5(namespace: string, name: string): string {
  const ns = NAMESPACES[namespace] ?? namespace;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ns))
    throw new ValueError(`uuidv5() doesn't support namespace "${namespace}"`);
  const bytes = createHash('sha1')
    .update(Buffer.from(ns.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Hash and crypto functions of jobspec2. `bcrypt` and `rsadecrypt` are refused rather than
 * approximated: bcrypt output is salted at random, and rsadecrypt would need the private key in
 * the repository.
 */
export const cryptoFunctions: Record<string, HclFunction> = {
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  uuidv4: (a) => {
    arity(a, []);
    return randomUUID();
  },
  uuidv5: (a) => {
    arity(a, ['namespace', 'name']);
    return uuidV5(str(a, 0, 'namespace'), str(a, 1, 'name'));
  },
  bcrypt: () => {
    throw new ValueError(
      'bcrypt is not supported by the offline renderer (its output changes on every render); use render = "server"',
    );
  },
  rsadecrypt: () => {
    throw new ValueError('rsadecrypt is not supported by the offline renderer; use render = "server"');
  },
};
