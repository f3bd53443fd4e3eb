import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError } from '../exit.js';

/** One server the CLI knows: where it is, the token for it, and how to trust its certificate. */
export type Context = { server: string; token?: string; caFile?: string; insecureSkipVerify?: boolean };

export type ClientConfig = { current?: string; contexts: Record<string, Context> };

const fileSchema = z.object({
  current: z.string().optional(),
  contexts: z
    .record(
      z.string(),
      z.object({
        server: z.string(),
        token: z.string().optional(),
        caFile: z.string().optional(),
        insecureSkipVerify: z.boolean().optional(),
      }),
    )
    .default({}),
});

/** `$XDG_CONFIG_HOME/drover/config.json`, or `~/.config/drover/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'drover', 'config.json');
}

export function readClientConfig(file = configPath()): ClientConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: {} };
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}; fix it or run drover login again`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Writes the file atomically with mode 0600 (it holds tokens), in a 0700 directory. */
export function writeClientConfig(config: ClientConfig, file = configPath()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** A context name for a server URL: its host and port. */
export function contextName(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}
