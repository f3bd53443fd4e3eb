/**
 * The jobspec schema: one table, derived from the `hcl` tags of Nomad's `api` structs and the
 * jobspec2 facts in reference §5. Each struct lists its fields in the api struct's order:
 *
 *   attribute  `hcl_name[:kind][=JsonName][!][^][+]`
 *              `!`: a plain Go field, always in the JSON, zero when unset; `^`: required (gohcl's tag
 *              without `optional`); `+`: a map field that may also be written as an argument
 *              (`meta = {...}`: jobspec2's decodeAsAttribute); other map fields are blocks only
 *   block      `@hcl_name[*|#|~][=JsonName]:struct[/LabelField]`  (`*` a list, `#` a map keyed by
 *              label, `~` repeatable with the last one kept, as jobspec2 reads a group's vault)
 *   JSON only  `-JsonName[:kind]`  (a Go field HCL cannot set, e.g. Job.Dispatched: always its zero
 *              value; kind `raw` for a pointer that stays unset unless a hook fills it)
 *
 * A label field (`/LabelField`) is filled by the block's label only; an argument of that name is refused.
 * A JSON name is the PascalCase of the HCL name unless written; kinds are listed in AttrKind.
 */
export type AttrKind = 's' | 'i' | 'f' | 'b' | 'd' | 'ss' | 'is' | 'm' | 'any' | 'hm' | 'raw';

/** `required`: the argument must be written; `asArgument`: a map field that also takes the `x = {...}` form. */
export type AttrSpec = {
  hcl: string;
  json: string;
  kind: AttrKind;
  plain: boolean;
  required: boolean;
  asArgument: boolean;
};
export type BlockSpec = {
  hcl: string;
  json: string;
  struct: string;
  mode: 'single' | 'list' | 'map' | 'last';
  label?: string;
};
/** `order` holds the JSON field names in the api struct's order; `jsonOnly` the plain fields HCL cannot set. */
export type StructSpec = {
  name: string;
  attrs: Map<string, AttrSpec>;
  blocks: Map<string, BlockSpec>;
  order: string[];
  jsonOnly: Array<{ json: string; kind: AttrKind }>;
};

const ACRONYMS: Record<string, string> = {
  id: 'ID',
  ip: 'IP',
  cidr: 'CIDR',
  dns: 'DNS',
  url: 'URL',
  ttl: 'TTL',
  tls: 'TLS',
  ui: 'UI',
  grpc: 'GRPC',
  cpu: 'CPU',
  iops: 'IOPS',
  tcp: 'TCP',
  numa: 'NUMA',
};

/** snake_case to Go's PascalCase field name, with Go's initialisms kept upper-case. */
export function pascal(name: string): string {
  return name
    .split('_')
    .map((part) => ACRONYMS[part] ?? part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Shorthand arguments jobspec2 reads into Operand/RTarget (or LTarget); see hooks.ts. */
const CONSTRAINT =
  'attribute=LTarget value=RTarget operator=Operand distinct_property:raw distinct_hosts:raw ' +
  'regexp:raw version:raw semver:raw set_contains:raw set_contains_all:raw set_contains_any:raw ' +
  'attribute_is_set:raw attribute_is_not_set:raw';
const AFFINITY =
  'attribute=LTarget value=RTarget operator=Operand weight:i version:raw semver:raw regexp:raw ' +
  'set_contains_any:raw set_contains_all:raw set_contains:raw';
const TASK_COMMON =
  'name! driver! user! @lifecycle:lifecycle config:any @constraint*=Constraints:constraint ' +
  '@affinity*=Affinities:affinity env:m+ @service*=Services:service @resources:resources ' +
  '@restart=RestartPolicy:restart meta:m+ kill_timeout:d @logs=LogConfig:logs ' +
  '@artifact*=Artifacts:artifact @vault:vault @consul:consul @template*=Templates:template ' +
  '@dispatch_payload:dispatch_payload @volume_mount*=VolumeMounts:volume_mount ' +
  '@csi_plugin=CSIPluginConfig:csi_plugin leader:b! shutdown_delay:d! kill_signal! kind! ' +
  '@scaling*=ScalingPolicies:scaling/Type @identity*=Identities:identity ' +
  '@action*=Actions:action/Name @schedule:schedule @secret*=Secrets:secret/Name';

const STRUCTS: Record<string, string> = {
  job:
    'region namespace id=ID name type priority:i all_at_once:b datacenters:ss node_pool ' +
    '@constraint*=Constraints:constraint @affinity*=Affinities:affinity ' +
    '@group*=TaskGroups:group/Name @update:update @multiregion:multiregion @spread*=Spreads:spread ' +
    '@periodic:periodic @parameterized=ParameterizedJob:parameterized @reschedule:reschedule ' +
    '@migrate:migrate meta:m+ @ui=UI:ui -Dispatched:b',
  group:
    'name count:i @constraint*=Constraints:constraint @affinity*=Affinities:affinity ' +
    '@task*=Tasks:task/Name @spread*=Spreads:spread @volume#=Volumes:volume/Name ' +
    '@restart=RestartPolicy:restart @disconnect:disconnect @reschedule=ReschedulePolicy:reschedule ' +
    '@ephemeral_disk:ephemeral_disk @update:update @migrate:migrate @network*=Networks:network ' +
    'meta:m+ @service*=Services:service shutdown_delay:d max_run_duration:d stop_after_client_disconnect:d ' +
    'max_client_disconnect:d @scaling:scaling @consul:consul prevent_reschedule_on_lost:b ' +
    '@vault~:vault',
  task: TASK_COMMON,
  constraint: CONSTRAINT,
  affinity: AFFINITY,
  spread: 'attribute! weight:i @target*=SpreadTarget:spread_target/Value',
  spread_target: 'value! percent:i!',
  update:
    'stagger:d max_parallel:i health_check min_healthy_time:d healthy_deadline:d progress_deadline:d ' +
    'canary:i auto_revert:b auto_promote:b',
  multiregion: '@strategy:multiregion_strategy @region*=Regions:multiregion_region/Name',
  multiregion_strategy: 'max_parallel:i on_failure',
  multiregion_region: 'name! count:i datacenters:ss node_pool! meta:m',
  periodic: 'enabled:b cron=Spec crons:ss=Specs -SpecType:raw prohibit_overlap:b time_zone=TimeZone',
  parameterized: 'payload! meta_required:ss meta_optional:ss',
  reschedule: 'attempts:i interval:d delay:d delay_function max_delay:d unlimited:b',
  migrate: 'max_parallel:i health_check min_healthy_time:d healthy_deadline:d',
  ui: 'description! @link*=Links:ui_link',
  ui_link: 'label! url=URL!',
  restart: 'interval:d attempts:i delay:d mode render_templates:b',
  disconnect: 'lost_after:d stop_on_client_after:d replace:b reconcile',
  ephemeral_disk: 'sticky:b migrate:b size:i=SizeMB',
  volume:
    'name! type! source! read_only:b! access_mode! attachment_mode! @mount_options:mount_options per_alloc:b! sticky:b',
  mount_options: 'fs_type! mount_flags:ss',
  network:
    'mode! device! cidr=CIDR! ip=IP! @dns=DNS:dns @port*=DynamicPorts:port/Label hostname! mbits:i=MBits @cni=CNI:cni',
  port: 'label! static:i=Value! to:i! host_network! ignore_collision:b!',
  dns: 'servers:ss searches:ss options:ss',
  cni: 'args:m+',
  service:
    'name! tags:ss canary_tags:ss enable_tag_override:b! port=PortLabel! address_mode! address! ' +
    '@check*=Checks:check @check_restart:check_restart @connect:connect meta:m canary_meta:m ' +
    'tagged_addresses:m task=TaskName! on_update! @identity:identity @weights:weights provider! ' +
    'cluster! kind!',
  check:
    'name! type! command! args:ss path! protocol! port=PortLabel! expose:b! address_mode! advertise! ' +
    'interval:d! timeout:d! initial_status! notes! tls_server_name=TLSServerName! ' +
    'tls_skip_verify:b=TLSSkipVerify! header:hm method! @check_restart:check_restart ' +
    'grpc_service=GRPCService! grpc_use_tls:b=GRPCUseTLS! task=TaskName! success_before_passing:i! ' +
    'failures_before_critical:i! failures_before_warning:i! body! on_update!',
  check_restart: 'limit:i! grace:d ignore_warnings:b!',
  weights: 'passing:i! warning:i!',
  connect: 'native:b! @gateway:unsupported @sidecar_service:sidecar_service @sidecar_task:sidecar_task',
  sidecar_service: 'tags:ss port! @proxy:proxy disable_default_tcp_check:b=DisableDefaultTCPCheck! meta:m',
  proxy:
    'local_service_address! local_service_port:i! @expose=Expose:expose @upstreams*=Upstreams:upstream ' +
    '@transparent_proxy:transparent_proxy config:any',
  transparent_proxy:
    'uid=UID! outbound_port:i! exclude_inbound_ports:ss exclude_outbound_ports:is ' +
    'exclude_outbound_cidrs:ss=ExcludeOutboundCIDRs exclude_uids:ss=ExcludeUIDs no_dns:b=NoDNS!',
  expose: '@path*=Paths:expose_path',
  expose_path: 'path! protocol! local_path_port:i! listener_port!',
  upstream:
    'destination_name! destination_namespace! destination_peer! destination_partition! ' +
    'destination_type! local_bind_port:i! datacenter! local_bind_address! ' +
    'local_bind_socket_path! local_bind_socket_mode! @mesh_gateway:mesh_gateway config:any',
  mesh_gateway: 'mode!',
  sidecar_task:
    'name! driver! user! config:any env:m @resources:resources meta:m kill_timeout:d ' +
    '@logs=LogConfig:logs shutdown_delay:d kill_signal! @volume_mount*=VolumeMounts:volume_mount',
  unsupported: '',
  resources:
    'cpu:i=CPU cores:i memory:i=MemoryMB memory_max:i=MemoryMaxMB disk:i=DiskMB ' +
    '@network*=Networks:network @device*=Devices:device/Name @numa=NUMA:numa secrets:i=SecretsMB ' +
    'iops:i=IOPS',
  device: 'name! count:i @constraint*=Constraints:constraint @affinity*=Affinities:affinity',
  numa: 'affinity! devices:ss',
  logs: 'max_files:i max_file_size:i=MaxFileSizeMB disabled:b enabled:b',
  artifact:
    'source=GetterSource options:m=GetterOptions headers:m=GetterHeaders mode=GetterMode ' +
    'insecure:b=GetterInsecure destination=RelativeDest chown:b!',
  vault: 'policies:ss role! namespace cluster! env:b disable_file:b change_mode change_signal allow_token_expiration:b',
  consul: 'cluster! namespace! partition!',
  template:
    'source=SourcePath destination=DestPath data=EmbeddedTmpl change_mode ' +
    '@change_script:change_script change_signal splay:d perms uid:i gid:i left_delimiter=LeftDelim ' +
    'right_delimiter=RightDelim env:b=Envvars vault_grace:d=VaultGrace @wait:wait ' +
    'error_on_missing_key:b=ErrMissingKey once:b',
  change_script: 'command^ args:ss timeout:d fail_on_error:b^',
  wait: 'min:d^ max:d^',
  dispatch_payload: 'file!',
  volume_mount: 'volume destination read_only:b propagation_mode selinux_label=SELinuxLabel',
  lifecycle: 'hook!^ sidecar:b!',
  csi_plugin: 'id=ID! type! mount_dir! stage_publish_base_dir! health_timeout:d!',
  scaling: '-ID -Namespace type! min:i max:i policy:any enabled:b -CreateIndex:i -ModifyIndex:i',
  identity: 'name! aud:ss=Audience change_mode! change_signal! env:b! file:b! filepath! service_name! ttl:d=TTL!',
  action: 'name! command!^ args:ss',
  secret: 'name! provider! path! config:any env:m',
  schedule: '@cron:schedule_cron',
  schedule_cron: 'start end timezone',
};

const BLOCK_MODES: Record<string, BlockSpec['mode']> = { '*': 'list', '#': 'map', '~': 'last' };

function build(name: string, spec: string): StructSpec {
  const attrs = new Map<string, AttrSpec>();
  const blocks = new Map<string, BlockSpec>();
  const order: string[] = [];
  const jsonOnly: StructSpec['jsonOnly'] = [];
  for (const token of spec.split(/\s+/).filter(Boolean)) {
    const only = /^-(\w+)(?::(\w+))?$/.exec(token);
    if (only) {
      jsonOnly.push({ json: only[1]!, kind: (only[2] ?? 's') as AttrKind });
      order.push(only[1]!);
      continue;
    }
    const block = /^@(\w+)([*#~]?)(?:=(\w+))?:(\w+)(?:\/(\w+))?$/.exec(token);
    if (block) {
      const [, hcl, mode, json, struct, label] = block as unknown as [
        string,
        string,
        string,
        string | undefined,
        string,
        string | undefined,
      ];
      blocks.set(hcl, {
        hcl,
        json: json ?? pascal(hcl),
        struct,
        mode: BLOCK_MODES[mode] ?? 'single',
        label,
      });
      order.push(json ?? pascal(hcl));
      continue;
    }
    const attr = /^(\w+)(?::(\w+))?(?:=(\w+))?(!)?(\^)?(\+)?$/.exec(token);
    if (!attr) throw new Error(`bad schema token ${token} in ${name}`);
    attrs.set(attr[1]!, {
      hcl: attr[1]!,
      json: attr[3] ?? pascal(attr[1]!),
      kind: (attr[2] ?? 's') as AttrKind,
      plain: attr[4] === '!',
      required: attr[5] === '^',
      asArgument: attr[6] === '+',
    });
    order.push(attr[3] ?? pascal(attr[1]!));
  }
  return { name, attrs, blocks, order, jsonOnly };
}

/** Every struct of the jobspec, by name. */
export const SCHEMA: ReadonlyMap<string, StructSpec> = new Map(
  Object.entries(STRUCTS).map(([name, spec]) => [name, build(name, spec)]),
);

/** The spec of one struct; throws on a name the table lacks (a bug in the table, not in the input). */
export function structSpec(name: string): StructSpec {
  const spec = SCHEMA.get(name);
  if (!spec) throw new Error(`jobspec schema has no struct "${name}"`);
  return spec;
}
