import type { Params } from './config.js';

/** `${key}` in a template string; keys are dotted names (`path.basename`, `cluster.name`). */
const PLACEHOLDER = /\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}/g;

/** A placeholder found in a template, with the path of the field holding it. */
export type Placeholder = { key: string; path: string[] };

/** Every placeholder in a template value, depth first. */
export function placeholdersIn(value: unknown, path: string[] = []): Placeholder[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => ({ key: m[1]!, path }));
  if (Array.isArray(value)) return value.flatMap((item, i) => placeholdersIn(item, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => placeholdersIn(item, [...path, key]));
  return [];
}

/**
 * A copy of `value` with every placeholder replaced by its parameter; `unknown` is called (and
 * must throw) for a key the parameters lack, with the path of the field holding it.
 */
export function substitute<T>(value: T, params: Params, unknown: (p: Placeholder) => never, path: string[] = []): T {
  if (typeof value === 'string')
    return value.replace(PLACEHOLDER, (_, key: string) => params[key] ?? unknown({ key, path })) as T;
  if (Array.isArray(value)) return value.map((item, i) => substitute(item, params, unknown, [...path, String(i)])) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, params, unknown, [...path, key])]),
    ) as T;
  return value;
}

/**
 * Flattens an object into parameters: nested objects by dotted keys (`{cluster: {name: "a"}}`
 * gives `cluster.name`), strings as written, other values as their JSON text, null as "".
 */
export function flattenParams(value: Record<string, unknown>, prefix = ''): Params {
  const out: Params = {};
  for (const [key, item] of Object.entries(value)) {
    if (item && typeof item === 'object' && !Array.isArray(item))
      Object.assign(out, flattenParams(item as Record<string, unknown>, `${prefix}${key}.`));
    else out[`${prefix}${key}`] = typeof item === 'string' ? item : item === null ? '' : JSON.stringify(item);
  }
  return out;
}

/** The parameters each git generator gives besides a file's own keys. */
export const GIT_DIRECTORY_KEYS = ['path', 'path.basename'] as const;
export const GIT_FILE_KEYS = ['path', 'path.basename', 'path.filename'] as const;

/**
 * A matrix's parameter sets: every pair of one set from each side, merged. A key both sides
 * give is refused: which value would win is not obvious, and a silent choice hides mistakes.
 */
export function combineParams(left: Params[], right: Params[]): Params[] {
  return left.flatMap((a) =>
    right.map((b) => {
      const both = Object.keys(b).filter((key) => key in a);
      if (both.length > 0)
        throw new Error(`both generators give the parameter(s) ${both.map((k) => `"${k}"`).join(', ')}; rename one`);
      return { ...a, ...b };
    }),
  );
}
