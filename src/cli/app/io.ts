import type { AppView } from '../../server/app-view.js';
import { ApiClient } from '../connect/client.js';
import { resolveConnection, type ConnectionFlags } from '../connect/connection.js';
import { colorsFor, type Colors } from '../output/color.js';

/** Where a command writes, how it colours, and how wide the terminal is. */
export type IO = {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  colors: Colors;
  /** The terminal's width; undefined when stdout is not a terminal (nothing is cut). */
  columns?: number;
  env: NodeJS.ProcessEnv;
};

export function processIO(): IO {
  return {
    out: process.stdout,
    err: process.stderr,
    colors: colorsFor(process.stdout),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
  };
}

export function clientFor(flags: ConnectionFlags, io: IO): ApiClient {
  return new ApiClient(resolveConnection(flags, io.env));
}

export function appPath(name: string, rest = ''): string {
  return `/api/v1/apps/${encodeURIComponent(name)}${rest}`;
}

export type { AppView };
