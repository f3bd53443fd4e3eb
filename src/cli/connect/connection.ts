import { readFileSync } from 'node:fs';
import { CliError } from '../exit.js';
import { readClientConfig, type ClientConfig } from './config-file.js';

/** The flags every command that talks to a server accepts. */
export type ConnectionFlags = {
  server?: string;
  token?: string;
  caFile?: string;
  insecureSkipVerify?: boolean;
  context?: string;
};

/** Where to send requests, with what token, trusting which certificates. */
export type Connection = { server: string; token?: string; ca?: string; insecureSkipVerify: boolean };

/**
 * Flags win over the environment (`DROVER_ADDR`, `DROVER_TOKEN`), which wins over the current
 * context of the config file that `drover login` writes. A server named by flag or environment
 * still takes its token from a saved context for that same server.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
  config: ClientConfig = readClientConfig(),
): Connection {
  const named = flags.context ?? config.current;
  if (flags.context && !config.contexts[flags.context]) {
    throw new CliError(`no context named "${flags.context}"; drover context lists them`);
  }
  const explicit = flags.server || env.DROVER_ADDR || undefined;
  const context = explicit
    ? Object.values(config.contexts).find((c) => sameServer(c.server, explicit))
    : named
      ? config.contexts[named]
      : undefined;
  const server = explicit ?? context?.server;
  if (!server) {
    throw new CliError('no server: pass --server URL, set DROVER_ADDR, or run drover login --server URL');
  }
  const caFile = flags.caFile ?? context?.caFile;
  return {
    server: normalizeServer(server),
    token: flags.token || env.DROVER_TOKEN || context?.token,
    ca: caFile ? readCA(caFile) : undefined,
    insecureSkipVerify: flags.insecureSkipVerify ?? context?.insecureSkipVerify ?? false,
  };
}

/** `host:port` gets `http://`; a trailing slash goes. */
export function normalizeServer(server: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(server) ? server : `http://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`--server "${server}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--server "${server}": only http:// and https:// are supported`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function sameServer(a: string, b: string): boolean {
  try {
    return normalizeServer(a) === normalizeServer(b);
  } catch {
    return false;
  }
}

function readCA(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`--ca-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
