import { table } from './output/table.js';

/** A token as `drover token list` shows it (offline or from the API): never its secret. */
export type TokenRow = {
  id: string;
  name: string;
  role: string;
  apps: string[];
  projects?: string[];
  status: string;
  expiresAt?: string;
  lastUsedAt?: string;
};

/** A token's scope in words: its app globs and `project:NAME` entries, or `all` when it has neither. */
export function scopeOf(t: Pick<TokenRow, 'apps' | 'projects'>, separator: string, all: string): string {
  const parts = [...t.apps, ...(t.projects ?? []).map((p) => `project:${p}`)];
  return parts.length ? parts.join(separator) : all;
}

/** The token list as a table; `columns` is the terminal's width when there is one. */
export function tokenTable(tokens: TokenRow[], columns?: number): string {
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.role,
    scopeOf(t, ',', '*'),
    t.status,
    t.expiresAt ?? '-',
    t.lastUsedAt ?? '-',
  ]);
  return table(['ID', 'NAME', 'ROLE', 'APPS', 'STATUS', 'EXPIRES', 'LAST USED'], rows, columns);
}
