import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Proof } from './providers.js';

/**
 * Whether `proof` was made with `secret`, in time independent of where the two differ:
 * HMACs are compared as fixed-length digests, GitLab's plain token through SHA-256 of both.
 */
export function verifyProof(proof: Proof, body: Buffer, secret: string): boolean {
  if (proof.kind === 'token') {
    const a = createHash('sha256').update(proof.token).digest();
    const b = createHash('sha256').update(secret).digest();
    return timingSafeEqual(a, b);
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(proof.hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
