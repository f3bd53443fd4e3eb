import type { Decoded } from './decode.js';

const SHORTHANDS = ['distinct_hosts', 'distinct_property', 'version', 'semver', 'regexp', 'set_contains', 'set_contains_any', 'set_contains_all'];
const SHORTHAND_JSON = Object.fromEntries(SHORTHANDS.map((name) => [name, name.split('_').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')]));
const VERTICAL: Record<string, string> = { cpu: 'vertical_cpu', mem: 'vertical_mem' };

/** Fields that are plain (non-pointer) values in the api structs, so JSON always carries them. */
function zeroFill(value: Decoded, zeros: Decoded): Decoded {
  return { ...zeros, ...value };
}

/**
 * The jobspec2 rules that are not plain field mapping, one hook per api struct, run right
 * after that struct is decoded. Parse-time defaults follow reference §5.2 item 7.
 */
export const HOOKS: Record<string, (value: Decoded) => Decoded> = {
  constraint: (value) => {
    const out = zeroFill(value, { LTarget: '', RTarget: '', Operand: '' });
    const used = SHORTHANDS.filter((name) => SHORTHAND_JSON[name]! in out);
    for (const name of used) {
      const given = out[SHORTHAND_JSON[name]!];
      delete out[SHORTHAND_JSON[name]!];
      out.Operand = name;
      if (name === 'distinct_property') out.LTarget = String(given);
      else out.RTarget = String(given);
    }
    if (out.Operand === '') out.Operand = '=';
    return out;
  },
  affinity: (value) => {
    const out = zeroFill(value, { LTarget: '', RTarget: '', Operand: '' });
    if (out.Operand === '') out.Operand = '=';
    return out;
  },
  spread: (value) => zeroFill(value, { Attribute: '' }),
  spread_target: (value) => zeroFill(value, { Value: '', Percent: 0 }),
  port: (value) => zeroFill(value, { Label: '', Value: 0, To: 0, HostNetwork: '' }),
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
  periodic: (value) => ((value.Spec !== undefined || value.Specs !== undefined) && value.SpecType === undefined ? { ...value, SpecType: 'cron' } : value),
  template: (value) => ({ ...value, ChangeMode: value.ChangeMode ?? 'restart', Splay: value.Splay ?? 5e9, Perms: value.Perms ?? '0644', ErrMissingKey: value.ErrMissingKey ?? false }),
  vault: (value) => ({ ...value, Env: value.Env ?? true, DisableFile: value.DisableFile ?? false, ChangeMode: value.ChangeMode ?? 'restart' }),
  group: (value) => (value.Scaling ? { ...value, Scaling: { ...(value.Scaling as Decoded), Type: (value.Scaling as Decoded).Type ?? 'horizontal' } } : value),
  /** Task scaling labels name the resource; the unlabelled or "default" identity is the task's Identity. */
  task: (value) => {
    const out = { ...value };
    if (Array.isArray(out.ScalingPolicies)) out.ScalingPolicies = (out.ScalingPolicies as Decoded[]).map((p) => ({ ...p, Type: VERTICAL[p.Type as string] ?? p.Type }));
    if (Array.isArray(out.Identities)) {
      const all = out.Identities as Decoded[];
      const primary = all.find((identity) => identity.Name === undefined || identity.Name === 'default');
      const others = all.filter((identity) => identity !== primary);
      const { Identities: _all, ...rest } = out;
      return { ...rest, ...(primary ? { Identity: primary } : {}), ...(others.length > 0 ? { Identities: others } : {}) };
    }
    return out;
  },
};
