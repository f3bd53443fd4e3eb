import type { ConnectionFlags } from './connect/connection.js';
import { clientFor, processIO } from './app/io.js';
import { scopeOf, tokenTable, type TokenRow } from './token-table.js';

type TokenView = TokenRow;

/** `drover token create --server URL ...`: as offline, but through an admin's API token. */
export async function tokenCreateOverApi(
  flags: ConnectionFlags & { role: string; apps?: string[]; projects?: string[]; name?: string; expires?: string },
): Promise<void> {
  const io = processIO();
  const body = {
    role: flags.role,
    apps: flags.apps ?? [],
    ...(flags.projects?.length ? { projects: flags.projects } : {}),
    name: flags.name,
    expires: flags.expires,
  };
  const { token, secret } = await clientFor(flags, io).post<{ token: TokenView; secret: string }>(
    '/api/v1/tokens',
    body,
  );
  const scope = scopeOf(token, ', ', 'all apps');
  io.err.write(`Created ${token.role} token ${token.id} "${token.name}" for ${scope}`);
  io.err.write(`${token.expiresAt ? `, expires ${token.expiresAt}` : ', never expires'}. The secret is shown once:\n`);
  io.out.write(`${secret}\n`);
}

export async function tokenListOverApi(flags: ConnectionFlags & { json?: boolean }): Promise<void> {
  const io = processIO();
  const answer = await clientFor(flags, io).get<{ tokens: TokenView[] }>('/api/v1/tokens');
  if (flags.json) {
    io.out.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  io.out.write(tokenTable(answer.tokens, io.columns));
}

export async function tokenRevokeOverApi(id: string, flags: ConnectionFlags): Promise<void> {
  const io = processIO();
  const { token } = await clientFor(flags, io).delete<{ token: TokenView }>(`/api/v1/tokens/${encodeURIComponent(id)}`);
  io.out.write(`Revoked token ${token.id} "${token.name}"\n`);
}
