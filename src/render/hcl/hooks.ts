import type { Decoded } from './decode.js';
import { ValueError, toBool, type Value } from './values.js';

const VERTICAL: Record<string, string> = { cpu: 'vertical_cpu', mem: 'vertical_mem' };

/** jobspec2 applies the shorthands in this order, so a later one wins. */
const CONSTRAINT_SHORTHANDS = ['Version', 'Semver', 'Regexp', 'SetContains'];
const AFFINITY_SHORTHANDS = ['Version', 'Semver', 'Regexp', 'SetContainsAny', 'SetContainsAll', 'SetContains'];
const ALL_SHORTHANDS = [
  'DistinctProperty',
  'DistinctHosts',
  'Regexp',
  'Version',
  'Semver',
  'SetContains',
  'SetContainsAll',
  'SetContainsAny',
  'AttributeIsSet',
  'AttributeIsNotSet',
];

function snake(json: string): string {
  return json.replace(/[A-Z]/g, (c, at: number) => (at > 0 ? '_' : '') + c.toLowerCase());
}

/** A shorthand's value as the string jobspec2 reads (cty string conversion); empty means unset. */
function text(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object')
    throw new ValueError(`Inappropriate value for attribute "${snake(name)}": string required`);
  return String(value);
}

function distinctHosts(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  try {
    return toBool(value as Value);
  } catch {
    throw new ValueError('Inappropriate value for attribute "distinct_hosts": bool required');
  }
}

/** Constraint and affinity blocks: plain string fields, shorthands folded into the operand. */
function placement(value: Decoded, shorthands: string[], constraint: boolean): Decoded {
  const out: Decoded = {
    LTarget: text(value.LTarget, 'LTarget'),
    RTarget: text(value.RTarget, 'RTarget'),
    Operand: text(value.Operand, 'Operand'),
  };
  if (value.Weight !== undefined) out.Weight = value.Weight;
  for (const name of shorthands) {
    const given = text(value[name], name);
    if (given !== '') {
      out.Operand = snake(name);
      out.RTarget = given;
    }
  }
  if (constraint) {
    // A bool argument (cty converts "true"/"false"); jobspec2 sets only the operand, and only when true.
    if (distinctHosts(value.DistinctHosts)) out.Operand = 'distinct_hosts';
    const property = text(value.DistinctProperty, 'DistinctProperty');
    if (property !== '') {
      out.Operand = 'distinct_property';
      out.LTarget = property;
    }
  }
  for (const name of ALL_SHORTHANDS) delete value[name];
  if (out.Operand === '') out.Operand = '=';
  return out;
}

/**
 * Task `scaling "cpu"|"mem"` blocks: the label picks the type (case-insensitive); a second block
 * for the same resource, or a `type` that disagrees with the label, is an error.
 */
function verticalPolicies(policies: Decoded[]): Decoded[] {
  const seen = new Set<string>();
  return policies.map((policy) => {
    const label = String(policy.Type).toLowerCase();
    const type = VERTICAL[label];
    if (!type) throw new ValueError('Invalid scaling policy name: scaling policy name must be "cpu" or "mem"');
    if (seen.has(label))
      throw new ValueError(`Duplicate scaling "${label}" block: only one scaling ${label} block is allowed`);
    seen.add(label);
    return { ...policy, Type: type };
  });
}

/**
 * The jobspec2 rules that are not plain field mapping, one hook per api struct, run right
 * after that struct is decoded. Parse-time defaults follow reference §5.2 item 7.
 */
export const HOOKS: Record<string, (value: Decoded) => Decoded> = {
  constraint: (value) => placement(value, CONSTRAINT_SHORTHANDS, true),
  affinity: (value) => placement(value, AFFINITY_SHORTHANDS, false),
  /** A port with a static value is reserved; the others are dynamic. */
  network: (value) => {
    const ports = (value.DynamicPorts as Decoded[] | undefined) ?? [];
    const reserved = ports.filter((p) => (p.Value as number) > 0);
    const dynamic = ports.filter((p) => !((p.Value as number) > 0));
    const { DynamicPorts: _ports, ...rest } = value;
    const out: Decoded = {};
    for (const [key, field] of Object.entries(rest)) {
      if (key === 'Hostname' || key === 'MBits' || key === 'CNI') {
        if (reserved.length > 0) out.ReservedPorts ??= reserved;
        if (dynamic.length > 0) out.DynamicPorts ??= dynamic;
      }
      out[key] = field;
    }
    if (reserved.length > 0) out.ReservedPorts ??= reserved;
    if (dynamic.length > 0) out.DynamicPorts ??= dynamic;
    return out;
  },
  periodic: (value) => (value.Spec !== undefined || value.Specs !== undefined ? { ...value, SpecType: 'cron' } : value),
  template: (value) => ({
    ...value,
    ChangeMode: value.ChangeMode ?? 'restart',
    Splay: value.Splay ?? 5e9,
    Perms: value.Perms ?? '0644',
    ErrMissingKey: value.ErrMissingKey ?? false,
  }),
  change_script: (value) => ({
    ...value,
    Args: value.Args ?? [],
    Timeout: value.Timeout ?? 5e9,
    FailOnError: value.FailOnError ?? false,
  }),
  vault: (value) => ({
    ...value,
    Env: value.Env ?? true,
    DisableFile: value.DisableFile ?? false,
    ChangeMode: value.ChangeMode ?? 'restart',
  }),
  /** A group scaling policy is horizontal and needs a max; a group vault applies to its tasks without one. */
  group: (value) => {
    const out = { ...value };
    if (out.Scaling) {
      const scaling = out.Scaling as Decoded;
      if (scaling.Type !== undefined && scaling.Type !== '' && scaling.Type !== 'horizontal')
        throw new ValueError(
          `Invalid group scaling type: task group scaling policy had invalid type: "${String(scaling.Type)}"`,
        );
      if (scaling.Max === undefined)
        throw new ValueError('Missing required argument: the group scaling block needs "max"');
      out.Scaling = { ...scaling, Type: 'horizontal' };
    }
    if (out.Vault) {
      for (const task of (out.Tasks as Decoded[] | undefined) ?? []) task.Vault ??= structuredClone(out.Vault);
      delete out.Vault;
    }
    return out;
  },
  /** Task scaling labels name the resource; the unlabelled or "default" identity is the task's Identity. */
  task: (value) => {
    const out = { ...value };
    if (Array.isArray(out.ScalingPolicies)) out.ScalingPolicies = verticalPolicies(out.ScalingPolicies as Decoded[]);
    if (Array.isArray(out.Identities)) {
      const all = out.Identities as Decoded[];
      const primary = all.find((identity) => identity.Name === '' || identity.Name === 'default');
      const others = all.filter((identity) => identity !== primary);
      const { Identities: _all, ...rest } = out;
      return {
        ...rest,
        ...(primary ? { Identity: primary } : {}),
        ...(others.length > 0 ? { Identities: others } : {}),
      };
    }
    return out;
  },
};
