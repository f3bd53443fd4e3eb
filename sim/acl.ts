import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ACLToken } from '../src/nomad/types.js';
import { allows, parsePolicy, type ParsedPolicy, type Requirement } from './acl-policy.js';
import { SimError } from './state.js';

export type ACLPolicy = {
  Name: string;
  Description: string;
  Rules: string;
  JobACL: null;
  CreateIndex: number;
  ModifyIndex: number;
};
export type ACLRole = {
  ID: string;
  Name: string;
  Description: string;
  Policies: Array<{ Name: string }>;
  CreateIndex: number;
  ModifyIndex: number;
};

/**
 * Optional ACLs: off by default (tokens ignored). On (with a bootstrap secret, or `enabled` and
 * `POST /v1/acl/bootstrap`), every /v1 call but /v1/status/* needs a token: management tokens may
 * do anything; client tokens only what their policies (directly or through roles) grant for the
 * request's namespace, else 403 `Permission denied`.
 */
export class ACL {
  readonly enabled: boolean;
  private readonly tokens = new Map<string, ACLToken>();
  readonly policies = new Map<string, ACLPolicy & { parsed: ParsedPolicy }>();
  readonly roles = new Map<string, ACLRole>();
  private bootstrapIndex = 0;

  constructor(bootstrapSecret?: string, enabled = Boolean(bootstrapSecret)) {
    this.enabled = enabled || Boolean(bootstrapSecret);
    if (bootstrapSecret) {
      this.addManagementToken(bootstrapSecret, 'Bootstrap Token');
      this.bootstrapIndex = 1;
    }
  }

  addManagementToken(secret: string, name: string, index = 1): ACLToken {
    return this.store({ Name: name, Type: 'management', Policies: null, Roles: null, Global: true }, secret, index);
  }

  /** POST /v1/acl/bootstrap: once only, as Nomad. */
  bootstrap(secret: string | undefined, index: number): ACLToken {
    if (!this.enabled) throw new SimError(400, 'ACL support disabled');
    if (this.bootstrapIndex > 0)
      throw new SimError(400, `ACL bootstrap already done (reset index: ${this.bootstrapIndex})`);
    this.bootstrapIndex = index;
    return this.addManagementToken(secret ?? randomUUID(), 'Bootstrap Token', index);
  }

  /** Creates or updates a token from a request body (AccessorID set: update). */
  upsertToken(body: Record<string, unknown>, index: number): ACLToken {
    const type = String(body.Type ?? 'client');
    const policies = Array.isArray(body.Policies) ? body.Policies.map(String) : [];
    const roles = this.roleLinks(body.Roles);
    if (type !== 'client' && type !== 'management') throw new SimError(400, `token type must be client or management`);
    if (type === 'client' && policies.length + roles.length === 0)
      throw new SimError(400, 'client token missing policies or roles');
    if (type === 'management' && policies.length > 0)
      throw new SimError(400, 'management token cannot be associated with policies');
    const fields = {
      Name: String(body.Name ?? ''),
      Type: type,
      Policies: policies.length > 0 ? policies : null,
      Roles: roles.length > 0 ? roles : null,
      Global: body.Global === true,
    };
    const accessor = typeof body.AccessorID === 'string' && body.AccessorID !== '' ? body.AccessorID : undefined;
    if (!accessor) return this.store(fields, randomUUID(), index);
    const existing = this.tokenByAccessor(accessor);
    const updated = { ...existing, ...fields, ModifyIndex: index };
    this.tokens.set(existing.SecretID, updated);
    return updated;
  }

  tokenByAccessor(accessor: string): ACLToken {
    const token = [...this.tokens.values()].find((t) => t.AccessorID === accessor);
    if (!token) throw new SimError(404, 'ACL token not found');
    return token;
  }

  deleteToken(accessor: string): void {
    this.tokens.delete(this.tokenByAccessor(accessor).SecretID);
  }

  /** Token list stubs: no SecretID, as Nomad lists them. */
  listTokens(): Array<Omit<ACLToken, 'SecretID'>> {
    return [...this.tokens.values()].map(({ SecretID: _secret, ...stub }) => stub);
  }

  upsertPolicy(name: string, body: Record<string, unknown>, index: number): void {
    if (!/^[a-zA-Z0-9-]{1,128}$/.test(name)) throw new SimError(400, `invalid name '${name}'`);
    const rules = String(body.Rules ?? '');
    const parsed = parsePolicy(rules);
    const existing = this.policies.get(name);
    this.policies.set(name, {
      Name: name,
      Description: String(body.Description ?? ''),
      Rules: rules,
      JobACL: null,
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
      parsed,
    });
  }

  upsertRole(body: Record<string, unknown>, index: number, id?: string): ACLRole {
    const name = String(body.Name ?? '');
    if (!/^[a-zA-Z0-9-]{1,128}$/.test(name)) throw new SimError(400, 'invalid role name');
    const policies = (Array.isArray(body.Policies) ? body.Policies : []).map((p) => ({
      Name: String((p as { Name?: unknown }).Name ?? p),
    }));
    if (policies.length === 0) throw new SimError(400, 'at least one policy should be specified');
    for (const policy of policies)
      if (!this.policies.has(policy.Name)) throw new SimError(400, `cannot find policy ${policy.Name}`);
    const existing = id ? this.roles.get(id) : undefined;
    if (id && !existing) throw new SimError(404, 'ACL role not found');
    const role: ACLRole = {
      ID: existing?.ID ?? randomUUID(),
      Name: name,
      Description: String(body.Description ?? ''),
      Policies: policies,
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.roles.set(role.ID, role);
    return role;
  }

  /** The caller's secret: `X-Nomad-Token` wins over `Authorization: Bearer`. */
  secretOf(c: Context): string | undefined {
    const header = c.req.header('x-nomad-token');
    if (header) return header;
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    return bearer?.[1];
  }

  /** Throws Nomad's 403 when ACLs are on and the token is missing, unknown or not allowed. */
  authorize(c: Context, need: Requirement): void {
    if (!this.enabled || need.kind === 'none') return;
    const secret = this.secretOf(c);
    const token = secret ? this.tokens.get(secret) : undefined;
    if (!token) throw new SimError(403, 'Permission denied');
    if (token.Type === 'management') return;
    if (!allows(this.policiesOf(token), need)) throw new SimError(403, 'Permission denied');
  }

  /** GET /v1/acl/token/self. */
  self(c: Context): ACLToken {
    if (!this.enabled) {
      return {
        AccessorID: 'acls-disabled',
        SecretID: 'acls-disabled',
        Name: 'ACLs disabled token',
        Type: 'client',
        Policies: null,
        Roles: null,
        Global: false,
        CreateTime: '0001-01-01T00:00:00Z',
        ExpirationTime: null,
        CreateIndex: 0,
        ModifyIndex: 0,
      };
    }
    const secret = this.secretOf(c);
    const token = secret ? this.tokens.get(secret) : undefined;
    if (!secret) throw new SimError(404, 'ACL token not found');
    if (!token) throw new SimError(403, 'ACL token not found');
    return token;
  }

  private policiesOf(token: ACLToken): ParsedPolicy[] {
    const names = new Set(token.Policies ?? []);
    for (const link of (token.Roles ?? []) as Array<{ ID: string }>)
      for (const policy of this.roles.get(link.ID)?.Policies ?? []) names.add(policy.Name);
    return [...names].flatMap((name) => {
      const policy = this.policies.get(name);
      return policy ? [policy.parsed] : [];
    });
  }

  private roleLinks(value: unknown): Array<{ ID: string; Name: string }> {
    return (Array.isArray(value) ? value : []).map((link) => {
      const { ID, Name } = link as { ID?: string; Name?: string };
      const role = [...this.roles.values()].find((r) => r.ID === ID || (ID === undefined && r.Name === Name));
      if (!role) throw new SimError(400, `cannot find role ${ID ?? Name ?? ''}`);
      return { ID: role.ID, Name: role.Name };
    });
  }

  private store(
    fields: Pick<ACLToken, 'Name' | 'Type' | 'Policies' | 'Roles' | 'Global'>,
    secret: string,
    index: number,
  ): ACLToken {
    const token: ACLToken = {
      AccessorID: randomUUID(),
      SecretID: secret,
      ...fields,
      CreateTime: new Date().toISOString(),
      ExpirationTime: null,
      ExpirationTTL: 0,
      CreateIndex: index,
      ModifyIndex: index,
    };
    this.tokens.set(secret, token);
    return token;
  }
}
