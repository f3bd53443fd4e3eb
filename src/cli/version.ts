import { droverVersion } from '../domain/version.js';
import { ApiClient } from './connect/client.js';
import { resolveConnection, type ConnectionFlags } from './connect/connection.js';
import type { IO } from './app/io.js';

/** `drover version`: the client's version, and the server's when one is configured. */
export async function versionCommand(flags: ConnectionFlags, io: IO): Promise<number> {
  io.out.write(`client: ${droverVersion()}\n`);
  let connection;
  try {
    connection = resolveConnection(flags, io.env);
  } catch {
    return 0;
  }
  const server = await new ApiClient(connection).get<{ version: string }>('/api/v1/version');
  io.out.write(`server: ${server.version} (${connection.server})\n`);
  return 0;
}
