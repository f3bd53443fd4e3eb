import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ACLToken } from '../src/nomad/types.js';
import { SimError } from './state.js';

/**
 * Optional ACLs: off by default (tokens ignored); with a bootstrap secret, every /v1 call
 * but /v1/status/* needs a known token, else 403 `Permission denied`. Only management tokens
 * exist in the simulator.
 */
export class ACL {
  readonly enabled: boolean;
  private readonly tokens = new Map<string, ACLToken>();

  constructor(bootstrapSecret?: string) {
    this.enabled = Boolean(bootstrapSecret);
    if (bootstrapSecret) this.addManagementToken(bootstrapSecret, 'Bootstrap Token');
  }

  addManagementToken(secret: string, name: string): ACLToken {
    const now = new Date().toISOString();
    const token: ACLToken = {
      AccessorID: randomUUID(),
      SecretID: secret,
      Name: name,
      Type: 'management',
      Policies: null,
      Roles: null,
      Global: true,
      CreateTime: now,
      ExpirationTime: null,
      ExpirationTTL: 0,
      CreateIndex: 1,
      ModifyIndex: 1,
    };
    this.tokens.set(secret, token);
    return token;
  }

  /** The caller's secret: `X-Nomad-Token` wins over `Authorization: Bearer`. */
  secretOf(c: Context): string | undefined {
    const header = c.req.header('x-nomad-token');
    if (header) return header;
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    return bearer?.[1];
  }

  /** Throws Nomad's 403 when ACLs are on and the token is unknown or missing. */
  check(c: Context): void {
    if (!this.enabled) return;
    const secret = this.secretOf(c);
    if (!secret || !this.tokens.has(secret)) throw new SimError(403, 'Permission denied');
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
}
