import type { Context, Hono } from 'hono';
import type { Sim } from '../context.js';
import { field, jsonRead, jsonWrite, readBody, readOptionalBody } from '../http.js';
import { SimError } from '../state.js';

/** ACL bootstrap, tokens, policies and roles (management tokens only, as Nomad). */
export function aclRoutes(app: Hono, sim: Sim): void {
  const { acl, state } = sim;
  const write = <T>(c: Context, fn: (index: number) => T): Response => {
    let out: T | undefined;
    const index = state.commit(['acl'], (at) => {
      out = fn(at);
    });
    return out === undefined ? empty(c, index) : jsonWrite(c, out, index);
  };
  app.on(['PUT', 'POST'], '/v1/acl/bootstrap', async (c) => {
    const body = await readOptionalBody(c);
    const secret = field(body, 'BootstrapSecret');
    return write(c, (at) => acl.bootstrap(typeof secret === 'string' && secret !== '' ? secret : undefined, at));
  });
  app.get('/v1/acl/tokens', (c) => jsonRead(c, acl.listTokens(), state.tableIndex('acl')));
  app.on(['PUT', 'POST'], '/v1/acl/token', async (c) => {
    const body = await readBody(c);
    if (field(body, 'AccessorID')) throw new SimError(400, 'Accessor ID must not be set when creating a token');
    return write(c, (at) => acl.upsertToken(body, at));
  });
  app.get('/v1/acl/token/:accessor', (c) =>
    jsonRead(c, acl.tokenByAccessor(c.req.param('accessor')), state.tableIndex('acl')),
  );
  app.on(['PUT', 'POST'], '/v1/acl/token/:accessor', async (c) => {
    const body = await readBody(c);
    return write(c, (at) => acl.upsertToken({ ...body, AccessorID: c.req.param('accessor') }, at));
  });
  app.delete('/v1/acl/token/:accessor', (c) =>
    write(c, () => {
      acl.deleteToken(c.req.param('accessor'));
    }),
  );
  app.get('/v1/acl/policies', (c) =>
    jsonRead(
      c,
      [...acl.policies.values()].map(({ Name, Description, CreateIndex, ModifyIndex }) => ({
        Name,
        Description,
        CreateIndex,
        ModifyIndex,
      })),
      state.tableIndex('acl'),
    ),
  );
  app.get('/v1/acl/policy/:name', (c) => {
    const policy = acl.policies.get(c.req.param('name'));
    if (!policy) throw new SimError(404, 'ACL policy not found');
    const { parsed: _parsed, ...body } = policy;
    return jsonRead(c, body, policy.ModifyIndex);
  });
  app.on(['PUT', 'POST'], '/v1/acl/policy/:name', async (c) => {
    const body = await readBody(c);
    const name = c.req.param('name');
    if (field(body, 'Name') !== undefined && field(body, 'Name') !== name)
      throw new SimError(400, 'ACL policy name does not match request path');
    return write(c, (at) => {
      acl.upsertPolicy(name, { Rules: field(body, 'Rules'), Description: field(body, 'Description') }, at);
    });
  });
  app.delete('/v1/acl/policy/:name', (c) =>
    write(c, () => {
      if (!acl.policies.delete(c.req.param('name'))) throw new SimError(404, 'ACL policy not found');
    }),
  );
  app.get('/v1/acl/roles', (c) => jsonRead(c, [...acl.roles.values()], state.tableIndex('acl')));
  app.on(['PUT', 'POST'], '/v1/acl/role', async (c) => {
    const body = await readBody(c);
    return write(c, (at) => acl.upsertRole(body, at));
  });
  app.get('/v1/acl/role/name/:name', (c) => {
    const role = [...acl.roles.values()].find((r) => r.Name === c.req.param('name'));
    if (!role) throw new SimError(404, 'ACL role not found');
    return jsonRead(c, role, role.ModifyIndex);
  });
  app.get('/v1/acl/role/:id', (c) => {
    const role = acl.roles.get(c.req.param('id'));
    if (!role) throw new SimError(404, 'ACL role not found');
    return jsonRead(c, role, role.ModifyIndex);
  });
  app.on(['PUT', 'POST'], '/v1/acl/role/:id', async (c) => {
    const body = await readBody(c);
    return write(c, (at) => acl.upsertRole(body, at, c.req.param('id')));
  });
  app.delete('/v1/acl/role/:id', (c) =>
    write(c, () => {
      if (!acl.roles.delete(c.req.param('id'))) throw new SimError(404, 'ACL role not found');
    }),
  );
}

function empty(c: Context, index: number): Response {
  c.header('X-Nomad-Index', String(index));
  return c.body(null, 200);
}
