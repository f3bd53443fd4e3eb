/**
 * Exit codes of the `drover app ...` commands, as scripts rely on them (like `nomad job plan`):
 * 0 success or in sync, 1 a negative answer (differences, timeout, a failed sync), 2 an error,
 * 3 the app turned Degraded while waiting.
 */
export const EXIT = { ok: 0, negative: 1, error: 2, degraded: 3 } as const;

/** An error the CLI prints as `drover: <message> (CODE)`, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The one line an error becomes on stderr. */
export function errorLine(error: unknown): string {
  if (error instanceof CliError) return `drover: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  const e = error as { message?: string; code?: unknown };
  const code = typeof e.code === 'string' && e.code.startsWith('DROVER_ERR_') ? ` (${e.code})` : '';
  return `drover: ${e.message ?? String(error)}${code}`;
}
