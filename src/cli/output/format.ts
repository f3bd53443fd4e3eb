import { stringify } from 'yaml';
import { CliError } from '../exit.js';

export const FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string | undefined, allowed: readonly Format[] = FORMATS): Format {
  const format = (value ?? 'table') as Format;
  if (!allowed.includes(format)) throw new CliError(`-o ${value}: expected one of ${allowed.join(', ')}`);
  return format;
}

/** JSON and YAML print the API's own JSON, unchanged, so scripts see one stable shape. */
export function machine(format: Format, value: unknown): string | undefined {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n';
  if (format === 'yaml') return stringify(value);
  return undefined;
}

/** "3m ago", "2h ago", "5d ago" for an ISO time; "-" when absent. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '-';
}
