import { SimError } from './state.js';

type Clause = { path: string[]; op: '==' | '!=' | 'in' | 'not in'; value: string };

/**
 * A small subset of go-bexpr, enough for list `filter` parameters: clauses joined by `and`,
 * each `Selector == "v"`, `Selector != "v"`, `"v" in Selector` or `"v" not in Selector`, with
 * selectors like `Status`, `Meta.owner` or `Meta["drover.app"]`. Anything else is 400.
 */
export function compileFilter(expression: string | undefined): (value: unknown) => boolean {
  if (!expression || expression.trim() === '') return () => true;
  const clauses = expression.split(/\s+and\s+/i).map(parseClause);
  return (value) => clauses.every((clause) => test(clause, value));
}

function parseClause(text: string): Clause {
  const t = text.trim().replace(/^\((.*)\)$/, '$1');
  let m = /^(.+?)\s*(==|!=)\s*"((?:[^"\\]|\\.)*)"$/.exec(t);
  if (m) return { path: selector(m[1]!), op: m[2] as '==' | '!=', value: m[3]! };
  m = /^"((?:[^"\\]|\\.)*)"\s+(not in|in)\s+(.+)$/.exec(t);
  if (m) return { path: selector(m[3]!), op: m[2] as 'in' | 'not in', value: m[1]! };
  throw new SimError(400, `failed to read filter expression: unsupported expression ${JSON.stringify(text)}`);
}

function selector(text: string): string[] {
  const parts: string[] = [];
  for (const m of text.trim().matchAll(/([A-Za-z0-9_]+)|\["([^"]+)"\]/g)) parts.push(m[1] ?? m[2]!);
  if (parts.length === 0)
    throw new SimError(400, `failed to read filter expression: bad selector ${JSON.stringify(text)}`);
  return parts;
}

function test(clause: Clause, value: unknown): boolean {
  let current: unknown = value;
  for (const part of clause.path)
    current = current && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  if (clause.op === '==') return current !== undefined && String(current) === clause.value;
  if (clause.op === '!=') return current === undefined || String(current) !== clause.value;
  const contains = Array.isArray(current)
    ? current.map(String).includes(clause.value)
    : current && typeof current === 'object'
      ? clause.value in current
      : typeof current === 'string' && current.includes(clause.value);
  return clause.op === 'in' ? contains : !contains;
}
