import { table } from './output/table.js';

/** A token as `drover token list` shows it (offline or from the API): never its secret. */
export type TokenRow = {
  id: string;
  name: string;
  role: string;
  apps: string[];
  status: string;
  expiresAt?: string;
  lastUsedAt?: string;
};

/** The token list as a table; `columns` is the terminal's width when there is one. */
export function tokenTable(tokens: TokenRow[], columns?: number): string {
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.role,
    t.apps.length ? t.apps.join(',') : '*',
    t.status,
    t.expiresAt ?? '-',
    t.lastUsedAt ?? '-',
  ]);
  return table(['ID', 'NAME', 'ROLE', 'APPS', 'STATUS', 'EXPIRES', 'LAST USED'], rows, columns);
}
