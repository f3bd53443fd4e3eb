import type { Context } from 'hono';
import { parseDuration } from '../src/domain/duration.js';
import { SimError, type SimState } from './state.js';

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

/** Nomad caps a blocking wait at 300 s. */
const MAX_WAIT_MS = 300_000;

/**
 * A read with Nomad's blocking-query semantics: with `?index=N` it answers once the result's
 * index is above N, or when `wait` (default 5 min, capped at 300 s, plus up to wait/16 of
 * jitter) runs out. `compute` is re-run after every write.
 */
export async function blockingRead(
  c: Context,
  state: SimState,
  compute: () => { body: unknown; index: number },
  missingIndex?: () => number,
): Promise<Response> {
  const { minIndex, waitMs } = blockingParams(c);
  const deadline = Date.now() + waitMs + Math.random() * (waitMs / 16);
  for (;;) {
    const result = attempt(compute, missingIndex);
    const remaining = deadline - Date.now();
    if (minIndex === 0 || result.index > minIndex || remaining <= 0 || c.req.raw.signal.aborted) {
      if ('error' in result) {
        c.header('X-Nomad-Index', String(result.index));
        throw result.error;
      }
      return jsonRead(c, result.body, result.index);
    }
    await state.waitForChange(remaining, c.req.raw.signal);
  }
}

/** A missing object blocks too (on its table's index, as Nomad does), then answers 404. */
function attempt(
  compute: () => { body: unknown; index: number },
  missingIndex?: () => number,
): { body: unknown; index: number } | { error: SimError; index: number } {
  try {
    return compute();
  } catch (error) {
    if (!missingIndex || !(error instanceof SimError) || error.status !== 404) throw error;
    return { error, index: missingIndex() };
  }
}

function blockingParams(c: Context): { minIndex: number; waitMs: number } {
  const indexText = c.req.query('index');
  const waitText = c.req.query('wait');
  // `?stale` alone means stale; a value must parse as a Go bool (the simulator is always the leader).
  const stale = c.req.query('stale');
  if (stale !== undefined && stale !== '' && parseGoBool(stale) === undefined)
    throw new SimError(400, 'Invalid stale value');
  let minIndex = 0;
  if (indexText !== undefined && indexText !== '') {
    if (!/^\d+$/.test(indexText)) throw new SimError(400, 'Invalid index');
    minIndex = Number(indexText);
  }
  let waitMs = MAX_WAIT_MS;
  if (waitText !== undefined && waitText !== '') {
    try {
      waitMs = Math.min(parseDuration(waitText) / 1e6, MAX_WAIT_MS);
    } catch {
      throw new SimError(400, 'Invalid wait time');
    }
  }
  return { minIndex, waitMs };
}

/** Reads a JSON body the way Go's encoding/json does for Nomad: 400 on empty or bad input. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') throw new SimError(400, 'Request body is empty');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('json: cannot unmarshal into Go value of type struct');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new SimError(400, (error as Error).message);
  }
}

/** Reads an optional JSON body (writes where Nomad tolerates none). */
export async function readOptionalBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  return JSON.parse(text) as Record<string, unknown>;
}

/** Case-insensitive key lookup, as Go's JSON decoder matches struct fields. */
export function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool; undefined for any other text. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/**
 * A boolean query parameter as Nomad's HTTP agent reads it (strconv.ParseBool): absent or
 * empty is `fallback`; anything ParseBool refuses fails with Nomad's message, as a 500 (the
 * agent returns a plain, uncoded error for it).
 */
export function boolParam(c: Context, name: string, fallback = false): boolean {
  const text = c.req.query(name);
  if (text === undefined || text === '') return fallback;
  const value = parseGoBool(text);
  if (value === undefined)
    throw new SimError(
      500,
      `Failed to parse value of "${name}" (${text}) as a bool: strconv.ParseBool: parsing "${text}": invalid syntax`,
    );
  return value;
}

/** An unsigned integer query parameter; 400 with `message` when it does not parse. */
export function uintParam(value: string | undefined, message: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new SimError(400, message);
  return Number(value);
}

/** The namespace of a request: query param, else `default`. */
export function namespaceOf(c: Context): string {
  return c.req.query('namespace') || 'default';
}
