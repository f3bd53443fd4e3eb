import type { Context } from 'hono';
import { SimError } from './state.js';

/** Nomad answers errors as plain text. */
export function textError(c: Context, status: number, message: string): Response {
  return c.text(message, status as 400);
}

/** JSON answer with Nomad's read headers. */
export function jsonRead(c: Context, body: unknown, index: number): Response {
  c.header('X-Nomad-Index', String(index));
  c.header('X-Nomad-KnownLeader', 'true');
  c.header('X-Nomad-LastContact', '0');
  return c.json(body);
}

/** JSON answer with Nomad's write header. */
export function jsonWrite(c: Context, body: unknown, index: number): Response {
  c.header('X-Nomad-Index', String(index));
  return c.json(body);
}

/** Reads a JSON body the way Go's encoding/json does for Nomad: 400 on empty or bad input. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') throw new SimError(400, 'Request body is empty');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('json: cannot unmarshal into Go value of type struct');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new SimError(400, (error as Error).message);
  }
}

/** Case-insensitive key lookup, as Go's JSON decoder matches struct fields. */
export function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

export function boolParam(value: string | undefined): boolean {
  return value !== undefined && (value === '' || value === 'true' || value === '1');
}
