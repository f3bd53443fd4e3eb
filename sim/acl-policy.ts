import { HclError } from '../src/render/hcl/ast.js';
import { evaluate } from '../src/render/hcl/eval.js';
import { parseHcl } from '../src/render/hcl/parser.js';
import { SimError } from './state.js';

/** What a request needs: a namespace capability, or a coarse `node`/`agent`/`operator` disposition, or management. */
export type Requirement =
  | { kind: 'none' }
  | { kind: 'any-token' }
  | { kind: 'management' }
  | { kind: 'namespace'; namespace: string; capability: string }
  | { kind: 'scope'; scope: 'node' | 'agent' | 'operator'; write: boolean };

/** A parsed ACL policy: capabilities per namespace glob, and the coarse scopes. */
export type ParsedPolicy = { namespaces: Map<string, Set<string>>; scopes: Map<string, 'deny' | 'read' | 'write'> };

const READ = ['list-jobs', 'parse-job', 'read-job', 'csi-list-volume', 'csi-read-volume', 'read-job-scaling'];
const SCALING = ['list-scaling-policies', 'read-scaling-policy', 'read-job-scaling', 'scale-job'];
const WRITE = [
  ...READ,
  ...SCALING,
  'submit-job',
  'dispatch-job',
  'read-logs',
  'read-fs',
  'alloc-exec',
  'alloc-lifecycle',
  'csi-write-volume',
  'csi-mount-volume',
  'submit-recommendation',
];
/** Nomad's namespace dispositions, expanded to capabilities (acl/policy.go expandNamespacePolicy). */
const DISPOSITIONS: Record<string, string[]> = {
  deny: ['deny'],
  // Variables are simplified to the namespace disposition (no `variables { path ... }` blocks).
  read: [...READ, 'list-scaling-policies', 'read-scaling-policy', 'variables-read'],
  write: [...WRITE, 'variables-read', 'variables-write'],
  scale: SCALING,
};

/**
 * Parses an ACL policy's `Rules` (HCL): `namespace "glob" { policy = "read", capabilities = [...] }`
 * and `node`, `agent`, `operator` blocks with `policy`. A bad policy is a 400 as Nomad answers it.
 */
export function parsePolicy(rules: string): ParsedPolicy {
  const out: ParsedPolicy = { namespaces: new Map(), scopes: new Map() };
  let body;
  try {
    body = parseHcl(rules);
  } catch (error) {
    if (error instanceof HclError) throw new SimError(400, `Failed to parse ACL Policy: ${error.message}`);
    throw error;
  }
  const ctx = { src: rules, variables: new Map(), functions: {} };
  for (const block of body.blocks) {
    const attr = (name: string) => block.body.attributes.find((a) => a.name === name);
    const policy = attr('policy') ? String(evaluate(attr('policy')!.expr, ctx)) : undefined;
    if (block.type === 'namespace') {
      const glob = block.labels[0] ?? 'default';
      if (policy !== undefined && !DISPOSITIONS[policy])
        throw new SimError(400, `Failed to parse ACL Policy: Invalid namespace policy: ${policy}`);
      const caps = new Set([...(policy ? DISPOSITIONS[policy]! : [])]);
      const listed = attr('capabilities') ? evaluate(attr('capabilities')!.expr, ctx) : [];
      for (const cap of Array.isArray(listed) ? listed : []) caps.add(String(cap));
      out.namespaces.set(glob, caps);
    } else if (block.type === 'node' || block.type === 'agent' || block.type === 'operator') {
      if (policy !== 'deny' && policy !== 'read' && policy !== 'write')
        throw new SimError(400, `Failed to parse ACL Policy: Invalid ${block.type} policy: ${String(policy)}`);
      out.scopes.set(block.type, policy);
    }
  }
  return out;
}

/** Whether the merged policies allow the requirement (deny wins; the closest namespace glob decides). */
export function allows(policies: ParsedPolicy[], need: Requirement): boolean {
  if (need.kind === 'none' || need.kind === 'any-token') return true;
  if (need.kind === 'management') return false;
  if (need.kind === 'scope') {
    const found = policies.map((p) => p.scopes.get(need.scope)).filter((d) => d !== undefined);
    if (found.includes('deny') || found.length === 0) return false;
    return need.write ? found.includes('write') : true;
  }
  const caps = new Set<string>();
  for (const policy of policies) {
    const glob = closestGlob([...policy.namespaces.keys()], need.namespace);
    if (glob !== undefined) for (const cap of policy.namespaces.get(glob)!) caps.add(cap);
  }
  return !caps.has('deny') && caps.has(need.capability);
}

/** An exact name beats a glob; among globs, the one with the fewest wildcard characters left over. */
function closestGlob(globs: string[], namespace: string): string | undefined {
  if (globs.includes(namespace)) return namespace;
  const matching = globs.filter((glob) =>
    new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(namespace),
  );
  return matching.sort((a, b) => b.replace(/\*/g, '').length - a.replace(/\*/g, '').length)[0];
}

const JOB_WRITES: Record<string, string> = {
  '/scale': 'scale-job',
  '/dispatch': 'dispatch-job',
  '/evaluate': 'submit-job',
  '/plan': 'submit-job',
  '/revert': 'submit-job',
  '/stable': 'submit-job',
  '/periodic/force': 'submit-job',
};

/**
 * What a request needs, from its method and path, as Nomad's endpoints check it. The namespace
 * is the `namespace` query parameter (a job's own Namespace in a register body is not read).
 */
export function requirementOf(method: string, path: string, namespace: string): Requirement {
  const read = method === 'GET';
  const ns = (capability: string): Requirement => ({ kind: 'namespace', namespace, capability });
  if (path.startsWith('/v1/status/') || path === '/v1/acl/bootstrap' || path === '/v1/regions') return { kind: 'none' };
  if (path === '/v1/acl/token/self' || path === '/v1/namespaces' || path.startsWith('/v1/event/'))
    return { kind: 'any-token' };
  if (path.startsWith('/v1/acl/') || path.startsWith('/v1/namespace')) {
    if (read && path.startsWith('/v1/namespace/')) return { kind: 'any-token' };
    return { kind: 'management' };
  }
  if (path === '/v1/jobs') return ns(read ? 'list-jobs' : 'submit-job');
  if (path === '/v1/jobs/parse') return ns('parse-job');
  if (path === '/v1/validate/job') return ns('read-job');
  if (path.startsWith('/v1/job/')) {
    if (path.endsWith('/scale')) return ns(read ? 'read-job-scaling' : 'scale-job');
    if (read) return ns('read-job');
    const suffix = Object.keys(JOB_WRITES).find((s) => path.endsWith(s));
    return ns(suffix ? JOB_WRITES[suffix]! : 'submit-job');
  }
  if (/^\/v1\/allocation\/[^/]+\/stop$/.test(path)) return ns('alloc-lifecycle');
  if (/^\/v1\/(allocations?|evaluations?|deployments?)(\/|$)/.test(path)) return ns(read ? 'read-job' : 'submit-job');
  if (path.startsWith('/v1/scaling/'))
    return ns(path.startsWith('/v1/scaling/policies') ? 'list-scaling-policies' : 'read-scaling-policy');
  if (path.startsWith('/v1/vars') || path.startsWith('/v1/var/'))
    return ns(read ? 'variables-read' : 'variables-write');
  if (path.startsWith('/v1/node')) return { kind: 'scope', scope: 'node', write: !read };
  if (path.startsWith('/v1/agent/')) return { kind: 'scope', scope: 'agent', write: !read };
  if (path.startsWith('/v1/operator/')) return { kind: 'scope', scope: 'operator', write: !read };
  return { kind: 'management' };
}
