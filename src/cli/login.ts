import { createInterface } from 'node:readline';
import { ApiClient } from './connect/client.js';
import { contextName, readClientConfig, writeClientConfig, configPath } from './connect/config-file.js';
import { normalizeServer, resolveConnection, type ConnectionFlags } from './connect/connection.js';
import { CliError } from './exit.js';
import { ssoLogin } from './login-sso.js';
import type { IO } from './app/io.js';

export type LoginFlags = ConnectionFlags & { name?: string; sso?: boolean; browser?: boolean };

/**
 * `drover login`: checks a token against the server and saves it as a context in
 * `$XDG_CONFIG_HOME/drover/config.json` (mode 0600), made current. The token comes from
 * `--token`, `DROVER_TOKEN`, the OIDC browser flow (`--sso`, or on a terminal when the server
 * has SSO), or a prompt (read without echo on a terminal, else one line of stdin).
 */
export async function login(flags: LoginFlags, io: IO, input: NodeJS.ReadStream = process.stdin): Promise<number> {
  const config = readClientConfig(configPath(io.env));
  const base = resolveConnection(flags, io.env, config);
  const server = normalizeServer(base.server);
  const anonymous = new ApiClient({ ...base, server, token: undefined });
  const token = flags.token || io.env.DROVER_TOKEN || (await askForToken(anonymous, flags, io, input));
  if (!token) throw new CliError('no token given');
  const client = new ApiClient({ ...base, server, token });
  const { principal } = await client.get<{ principal: { id: string; name?: string; role: string; apps: string[] } }>(
    '/api/v1/session',
  );
  const name = flags.name ?? contextName(server);
  config.contexts[name] = {
    server,
    token,
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
    ...(flags.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
  config.current = name;
  writeClientConfig(config, configPath(io.env));
  const scope = principal.apps.length ? `apps ${principal.apps.join(', ')}` : 'every app';
  const who = principal.name ? `${principal.name} (${principal.id})` : principal.id;
  io.out.write(`Logged in to ${server} as ${who}, ${principal.role} of ${scope} (context "${name}")\n`);
  return 0;
}

/** SSO when asked (`--sso`), or when the server has it and a person is at the terminal; else a pasted token. */
async function askForToken(client: ApiClient, flags: LoginFlags, io: IO, input: NodeJS.ReadStream): Promise<string> {
  let sso = flags.sso === true;
  if (!sso && input.isTTY) {
    const providers = await client.get<{ oidc?: boolean }>('/api/v1/session/providers').catch(() => ({ oidc: false }));
    sso = providers.oidc === true;
  }
  return sso ? ssoLogin(client, io, { openBrowser: flags.browser !== false }) : promptToken(input, io);
}

/** `drover logout`: forgets the current (or named) context's token. */
export function logout(flags: { context?: string }, io: IO): number {
  const file = configPath(io.env);
  const config = readClientConfig(file);
  const name = flags.context ?? config.current;
  const context = name ? config.contexts[name] : undefined;
  if (!name || !context) throw new CliError(name ? `no context named "${name}"` : 'not logged in');
  delete context.token;
  writeClientConfig(config, file);
  io.out.write(`Logged out of ${context.server} (context "${name}")\n`);
  return 0;
}

async function promptToken(input: NodeJS.ReadStream, io: IO): Promise<string> {
  const rl = createInterface({ input, output: input.isTTY ? process.stderr : undefined, terminal: input.isTTY });
  if (input.isTTY) {
    process.stderr.write('Token: ');
    // Mute the echo: the token must not stay on the screen or in a terminal recording.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  }
  try {
    const line = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    if (input.isTTY) io.err.write('\n');
    return line.trim();
  } finally {
    rl.close();
  }
}
