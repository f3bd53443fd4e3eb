import type { Context, Hono } from 'hono';
import type { Sim } from '../context.js';
import { blockingRead, field, jsonWrite, namespaceOf, readBody, uintParam } from '../http.js';
import { SimError } from '../state.js';
import { publicVariable, type LockOp } from '../variables.js';

const LOCK_OPS: LockOp[] = ['lock-acquire', 'lock-renew', 'lock-release'];

/** Variables (`/v1/vars`, `/v1/var/:path`) with check-and-set and locks. Unsupported methods answer 400, as Nomad's do. */
export function variableRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/vars', (c) =>
    blockingRead(c, sim.state, () => ({
      body: sim.variables.list(namespaceOf(c), c.req.query('prefix') ?? ''),
      index: sim.state.tableIndex('vars'),
    })),
  );
  app.all('/v1/var/*', async (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname).slice('/v1/var/'.length);
    if (path === '') throw new SimError(400, 'missing variable path');
    switch (c.req.method) {
      case 'GET':
        return blockingRead(
          c,
          sim.state,
          () => {
            const variable = sim.variables.get(namespaceOf(c), path);
            if (!variable) throw new SimError(404, 'variable not found');
            return { body: publicVariable(variable), index: variable.ModifyIndex };
          },
          () => sim.state.tableIndex('vars'),
        );
      case 'PUT':
      case 'POST':
        return write(c, sim, path);
      case 'DELETE': {
        const index = sim.variables.delete(
          namespaceOf(c),
          path,
          uintParam(c.req.query('cas'), 'failed to parse cas value'),
        );
        c.header('X-Nomad-Index', String(index));
        return c.body(null, 204);
      }
      default:
        throw new SimError(400, 'Invalid method');
    }
  });
}

async function write(c: Context, sim: Sim, path: string): Promise<Response> {
  const query = new URL(c.req.url).searchParams;
  const ops = LOCK_OPS.filter((op) => query.has(op));
  if (ops.length > 1) throw new SimError(400, 'multiple lock operations');
  const cas = uintParam(c.req.query('cas'), 'failed to parse cas value');
  const body = await readBody(c);
  const namespace = namespaceOf(c);
  if (ops.length === 1) {
    if (cas !== undefined) throw new SimError(400, "CAS can't be used with lock operations");
    const result = sim.variables.lock(ops[0]!, namespace, path, {
      Items: field(body, 'Items'),
      Lock: field(body, 'Lock'),
    });
    return jsonWrite(c, result, result.ModifyIndex);
  }
  const lock = field(body, 'Lock') as { ID?: string } | undefined;
  const result = sim.variables.put(namespace, path, field(body, 'Items'), cas, lock?.ID);
  return jsonWrite(c, result, result.ModifyIndex);
}
