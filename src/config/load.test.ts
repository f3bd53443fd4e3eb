import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from './load.js';

test('applies defaults, resolves repositories and reads NOMAD_* when no cluster is set', () => {
  const config = parseConfig(
    JSON.stringify({
      repository: { platform: { url: 'https://git.example.com/platform/jobs.git' } },
      app: { web: { repository: 'platform', revision: 'main', path: './apps/web/' } },
    }),
    '/etc/drover/drover.json',
    { env: { NOMAD_ADDR: 'https://nomad.example.com:4646', NOMAD_TOKEN: 's3cret' } },
  );
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8080 });
  assert.equal(config.dataDir, '/etc/drover/data');
  assert.equal(config.clusters.get('default')?.address, 'https://nomad.example.com:4646');
  assert.equal(config.clusters.get('default')?.token, 's3cret');
  assert.equal(config.repositories.get('platform')?.pollIntervalMs, 180_000);
  assert.deepEqual(config.apps[0], {
    name: 'web',
    source: { repoURL: 'https://git.example.com/platform/jobs.git', revision: 'main', path: 'apps/web' },
    destination: { cluster: 'default', namespace: 'default' },
    syncPolicy: {
      automated: true,
      prune: false,
      selfHeal: false,
      allowEmpty: false,
      adopt: false,
      purge: false,
      maxPrune: { percent: 50 },
      allowMassPrune: false,
      retry: { limit: 5, backoffMs: 5000, factor: 2, maxBackoffMs: 180_000 },
    },
    ignoreDifferences: [],
    historyLimit: 100,
    render: 'local',
    vars: {},
    varFiles: [],
  });
  assert.ok(Object.isFrozen(config.apps[0]));
});

test('reads ignore_differences, retry and history settings', () => {
  const config = parseConfig(
    JSON.stringify({
      history_limit: 20,
      cluster: { default: { address: 'http://127.0.0.1:4646' } },
      app: {
        web: {
          url: 'https://git.example.com/jobs.git',
          sync: { retry: { limit: 2, backoff: '1s', max_backoff: '10s' } },
          ignore_differences: [{ job: 'web-*', paths: ['/TaskGroups/*/Count'] }],
        },
      },
    }),
    '/etc/drover.json',
    { env: {} },
  );
  const app = config.apps[0]!;
  assert.deepEqual(app.syncPolicy.retry, { limit: 2, backoffMs: 1000, factor: 2, maxBackoffMs: 10_000 });
  assert.deepEqual(app.ignoreDifferences, [{ job: 'web-*', paths: ['/TaskGroups/*/Count'] }]);
  assert.equal(app.historyLimit, 20);
  assert.throws(
    () => parseConfig('{"app": {"w": {"url": "x", "ignore_differences": [{"paths": []}]}}}', 'd.json'),
    /app\.w\.ignore_differences\.0\.paths/,
  );
});

test('a cluster token_file is kept as a path (re-read on change), checked readable at load, and wins over NOMAD_TOKEN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-config-'));
  writeFileSync(join(dir, 'token'), 'from-file\n');
  const config = parseConfig(
    JSON.stringify({ cluster: { default: { address: 'http://127.0.0.1:4646', token_file: 'token' } } }),
    join(dir, 'drover.json'),
    { env: { NOMAD_TOKEN: 'env' } },
  );
  assert.equal(config.clusters.get('default')?.tokenFile, join(dir, 'token'));
  assert.equal(config.clusters.get('default')?.token, undefined);
  assert.doesNotMatch(JSON.stringify([...config.clusters.values()]), /from-file/, 'the secret is not in the config');
  assert.throws(
    () =>
      parseConfig(
        '{"cluster": {"c": {"address": "http://127.0.0.1:4646", "token_file": "missing"}}}',
        join(dir, 'd.json'),
      ),
    /d\.json: cluster\.c\.token_file: cannot read .*missing: ENOENT/,
  );
});

test('credentials in a cluster address or NOMAD_ADDR are refused, naming the field, never echoing them', () => {
  for (const [text, env, field] of [
    ['{"cluster": {"prod": {"address": "https://ops:hunter2@nomad:4646"}}}', {}, 'cluster.prod.address'],
    ['{"cluster": {"prod": {"address": "https://ops@nomad:4646"}}}', {}, 'cluster.prod.address'],
    ['{}', { NOMAD_ADDR: 'http://ops:hunter2@127.0.0.1:4646' }, 'NOMAD_ADDR'],
  ] as const) {
    assert.throws(
      () => parseConfig(text, 'd.json', { env }),
      (error: Error) =>
        error.message.includes(`d.json: ${field}: the address contains credentials; use token_file`) &&
        !error.message.includes('hunter2'),
      field,
    );
  }
});

test('listener TLS files and the body limit are read from the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-config-'));
  writeFileSync(join(dir, 'cert.pem'), 'cert');
  writeFileSync(join(dir, 'key.pem'), 'key');
  const config = parseConfig(
    'max_body_bytes = 2048\ntls {\n  cert_file = "cert.pem"\n  key_file = "key.pem"\n}\n',
    join(dir, 'drover.hcl'),
    { env: {} },
  );
  assert.deepEqual(config.tls, { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') });
  assert.equal(config.maxBodyBytes, 2048);
  assert.equal(parseConfig('{}', join(dir, 'd.json'), { env: {} }).maxBodyBytes, 1024 * 1024);
  assert.throws(
    () => parseConfig('{"tls": {"cert_file": "nope.pem", "key_file": "key.pem"}}', join(dir, 'd.json')),
    /tls\.cert_file: cannot read/,
  );
});

test('cluster TLS files resolve against the config file, and NOMAD_* fill what a block leaves out', () => {
  const config = parseConfig(
    JSON.stringify({
      cluster: {
        prod: {
          address: 'https://nomad.prod:4646',
          ca_file: 'certs/ca.pem',
          cert_file: 'certs/cli.pem',
          key_file: '/abs/cli-key.pem',
          tls_server_name: 'server.global.nomad',
        },
        staging: { address: 'https://nomad.staging:4646' },
      },
    }),
    '/etc/drover/drover.json',
    { env: { NOMAD_CACERT: '/env/ca.pem', NOMAD_SKIP_VERIFY: 'true' } },
  );
  assert.deepEqual(config.clusters.get('prod')?.tls, {
    caCert: '/etc/drover/certs/ca.pem',
    clientCert: '/etc/drover/certs/cli.pem',
    clientKey: '/abs/cli-key.pem',
    serverName: 'server.global.nomad',
    skipVerify: true,
  });
  assert.deepEqual(config.clusters.get('staging')?.tls, {
    caCert: '/env/ca.pem',
    clientCert: undefined,
    clientKey: undefined,
    serverName: undefined,
    skipVerify: true,
  });
  assert.equal(
    parseConfig('{}', '/d.json', { env: {} }).clusters.get('default')?.tls,
    undefined,
    'plain HTTP needs no TLS settings',
  );
  assert.throws(
    () => parseConfig('{"cluster": {"prod": {"cert_file": "c.pem"}}}', 'drover.json', { env: {} }),
    /drover\.json(:\d+:\d+)?: cluster\.prod: cert_file and key_file go together/,
  );
});

test('errors name the file and the field', () => {
  assert.throws(
    () => parseConfig('{"app": {"web": {"revision": "main"}}}', 'drover.json'),
    /drover\.json(:\d+:\d+)?: app\.web: set exactly one of "repository" or "url"/,
  );
  assert.throws(
    () => parseConfig('{"app": {"web": {"url": "x", "sync": {"prune": "yes"}}}}', 'drover.json'),
    /drover\.json(:\d+:\d+)?: app\.web\.sync\.prune: /,
  );
  assert.throws(
    () => parseConfig('{"app": {"web": {"repository": "nope"}}}', 'drover.json'),
    /app\.web\.repository: no repository block named "nope"/,
  );
  assert.throws(() => parseConfig('{"listen": "8080"}', 'drover.json'), /listen: expected "host:port"/);
  assert.throws(
    () => parseConfig('{"repository": {"r": {"url": "x", "poll_interval": "often"}}}', 'drover.json'),
    /repository\.r\.poll_interval: must be a positive Go duration/,
  );
  assert.throws(() => parseConfig('{"bogus": 1}', 'drover.json'), /drover\.json(:\d+:\d+)?: .*bogus/);
});

test('reads HCL with labelled blocks into the same shape as JSON', () => {
  const hcl = `
listen   = "127.0.0.1:9090"
data_dir = "./state"

cluster "default" {
  address = "http://127.0.0.1:4646"
}

repository "platform" {
  url           = "https://git.example.com/platform/jobs.git"
  poll_interval = "1m"
}

app "web" {
  repository = "platform"
  revision   = "main"
  path       = "apps/web"
  render     = "auto"
  vars       = { env = "prod", replicas = 3, zones = ["a", "b"] }
  var_files  = ["prod.vars.hcl"]

  sync {
    prune     = true
    self_heal = true
  }
}
`;
  const config = parseConfig(hcl, '/etc/drover/drover.hcl', { env: {} });
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 9090 });
  assert.equal(config.repositories.get('platform')?.pollIntervalMs, 60_000);
  assert.deepEqual(config.apps[0], {
    name: 'web',
    source: { repoURL: 'https://git.example.com/platform/jobs.git', revision: 'main', path: 'apps/web' },
    destination: { cluster: 'default', namespace: 'default' },
    syncPolicy: {
      automated: true,
      prune: true,
      selfHeal: true,
      allowEmpty: false,
      adopt: false,
      purge: false,
      maxPrune: { percent: 50 },
      allowMassPrune: false,
      retry: { limit: 5, backoffMs: 5000, factor: 2, maxBackoffMs: 180_000 },
    },
    ignoreDifferences: [],
    historyLimit: 100,
    render: 'auto',
    vars: { env: 'prod', replicas: '3', zones: '["a","b"]' },
    varFiles: ['prod.vars.hcl'],
  });
});

test('HCL config errors name file, line and field', () => {
  assert.throws(
    () => parseConfig('app "web" {\n  url = "x"\n  sync {\n    prune = "yes"\n  }\n}\n', 'drover.hcl'),
    /Error: drover\.hcl:4:5: app\.web\.sync\.prune: /,
  );
  assert.throws(
    () => parseConfig('app "web" {\n  url = "x"\n  render = "remote"\n}\n', 'drover.hcl'),
    /Error: drover\.hcl:3:3: app\.web\.render: /,
  );
  assert.throws(() => parseConfig('listen = \n', 'drover.hcl'), /Error: drover\.hcl:1:10: Invalid expression/);
  assert.throws(
    () => parseConfig('app "a" {\n url = "x"\n}\napp "a" {\n url = "y"\n}\n', 'drover.hcl'),
    /Error: drover\.hcl:4:1: duplicate app a block; the first is at line 1/,
  );
  assert.throws(() => parseConfig('bogus "x" {}\n', 'drover.hcl'), /Error: drover\.hcl:1:1: .*bogus/);
});

test('HCL: ignore_differences blocks repeat into a list; sync.retry and cluster TLS read as in JSON; errors point at the line', () => {
  const hcl = `
cluster "prod" {
  address = "https://nomad:4646"
  ca_file = "ca.pem"
}
app "web" {
  url     = "https://git.example.com/jobs.git"
  cluster = "prod"
  sync {
    retry {
      limit   = 3
      backoff = "10s"
    }
  }
  ignore_differences {
    job   = "web-*"
    paths = ["/TaskGroups/*/Count"]
  }
  ignore_differences {
    paths = ["Meta.owner"]
  }
}
`;
  const config = parseConfig(hcl, '/etc/drover/drover.hcl', { env: {} });
  const app = config.apps[0]!;
  assert.deepEqual(app.ignoreDifferences, [
    { job: 'web-*', paths: ['/TaskGroups/*/Count'] },
    { paths: ['Meta.owner'] },
  ]);
  assert.deepEqual([app.syncPolicy.retry.limit, app.syncPolicy.retry.backoffMs], [3, 10_000]);
  assert.equal(config.clusters.get('prod')?.tls?.caCert, '/etc/drover/ca.pem');
  const bad = hcl.replace('paths = ["Meta.owner"]', 'paths = []');
  assert.throws(
    () => parseConfig(bad, '/etc/drover/drover.hcl', { env: {} }),
    /drover\.hcl:20:\d+: app\.web\.ignore_differences\.1\.paths/,
  );
});

test('HCL: the auth block reads oidc, repeated role_binding blocks and external_url; the client secret comes from its file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-auth-config-'));
  writeFileSync(join(dir, 'oidc-secret'), 's3cret\n');
  const config = parseConfig(
    `external_url = "https://drover.example.com/"
auth {
  session_ttl = "8h"
  oidc {
    issuer             = "https://sso.example.com"
    client_id          = "drover"
    client_secret_file = "oidc-secret"
  }
  role_binding {
    group = "admins"
    role  = "admin"
  }
  role_binding {
    group = "web"
    role  = "operator"
    apps  = ["web-*"]
  }
}
`,
    join(dir, 'drover.hcl'),
    { env: {} },
  );
  assert.equal(config.externalURL, 'https://drover.example.com');
  assert.equal(config.auth.sessionTtlMs, 8 * 3_600_000);
  assert.deepEqual(config.auth.oidc, {
    issuer: 'https://sso.example.com',
    clientId: 'drover',
    clientSecret: 's3cret',
    scopes: ['openid', 'profile', 'email', 'groups'],
    groupsClaim: 'groups',
  });
  assert.deepEqual(config.auth.roleBindings, [
    { group: 'admins', role: 'admin', apps: [] },
    { group: 'web', role: 'operator', apps: ['web-*'] },
  ]);
  assert.equal(parseConfig('{}', 'd.json', { env: {} }).auth.disabled, false, 'auth is on by default');
});

test('auth errors name the file, line and field: a secret written inline, an unknown role, a missing secret file', () => {
  assert.throws(
    () =>
      parseConfig(
        'auth {\n  oidc {\n    issuer = "https://x"\n    client_id = "d"\n    client_secret = "inline"\n  }\n}\n',
        'drover.hcl',
      ),
    /drover\.hcl:5:\d+: auth\.oidc: Unrecognized key: "client_secret"/,
  );
  assert.throws(
    () =>
      parseConfig(
        '{"auth": {"oidc": {"issuer": "https://x", "client_id": "d"}, "role_binding": [{"group": "g", "role": "root"}]}}',
        'd.json',
      ),
    /auth\.role_binding\.0\.role/,
  );
  assert.throws(
    () =>
      parseConfig(
        '{"auth": {"oidc": {"issuer": "https://x", "client_id": "d", "client_secret_file": "/nope"}}}',
        'd.json',
      ),
    /d\.json: auth\.oidc\.client_secret_file: cannot read \/nope: ENOENT/,
  );
  assert.throws(() => parseConfig('{"external_url": "ftp://x"}', 'd.json'), /external_url/);
  assert.throws(
    () => parseConfig('listen = "0.0.0.0:8080"\nauth {\n  disabled = true\n}\n', 'drover.hcl'),
    /^DroverError: drover\.hcl:3:3: auth\.disabled: allowed only on a loopback listener \(listen is "0\.0\.0\.0"\)/,
  );
});

test('an app takes include and exclude globs for its job files; a glob may not leave the app path', () => {
  const hcl = `app "web" {
  url     = "https://git.example.com/jobs.git"
  include = ["*.job", "**/*.nomad.hcl"]
  exclude = ["templates/**"]
}
`;
  const app = parseConfig(hcl, 'drover.hcl', { env: { NOMAD_ADDR: 'http://127.0.0.1:4646' } }).apps[0]!;
  assert.deepEqual([app.include, app.exclude], [['*.job', '**/*.nomad.hcl'], ['templates/**']]);
  assert.throws(
    () => parseConfig('app "web" {\n  url = "x"\n  exclude = ["../other/*"]\n}\n', 'drover.hcl', { env: {} }),
    /drover\.hcl:3:\d+: app\.web\.exclude\.0: a glob is relative to the app's path/,
  );
});

test('event_stream = false turns a cluster to blocking list watches; it is on by default', () => {
  const config = parseConfig(
    'cluster "a" {\n  address = "http://127.0.0.1:4646"\n  event_stream = false\n}\ncluster "b" {\n  address = "http://127.0.0.1:4647"\n}\n',
    '/etc/drover/drover.hcl',
    { env: {} },
  );
  assert.equal(config.clusters.get('a')?.eventStream, false);
  assert.equal(config.clusters.get('b')?.eventStream, undefined);
});

test('an app path must be relative and stay inside the repository, checked when the config loads', () => {
  const env = { NOMAD_ADDR: 'http://127.0.0.1:4646' };
  const load = (path: string) =>
    parseConfig(`app "web" {\n  url  = "x"\n  path = "${path}"\n}\n`, 'drover.hcl', { env });
  assert.throws(() => load('/etc'), /drover\.hcl:3:3: app\.web\.path: "\/etc" is absolute/);
  assert.throws(() => load('../../..'), /drover\.hcl:3:3: app\.web\.path: "\.\.\/\.\.\/\.\." contains "\.\."/);
  assert.throws(() => load('apps/../../x'), /contains "\.\."/);
  assert.equal(load('./apps/web/').apps[0]!.source.path, 'apps/web');
  assert.equal(load('apps/..web').apps[0]!.source.path, 'apps/..web', 'a name starting with dots is a plain name');
});

test('no silent default address: an app needs a cluster block or NOMAD_ADDR', () => {
  const text = JSON.stringify({ app: { web: { url: 'x' } } });
  assert.throws(
    () => parseConfig(text, 'drover.json', { env: {} }),
    /drover\.json:1:\d+: app\.web\.cluster: no cluster: add a cluster "default" block with an address, set NOMAD_ADDR/,
  );
  assert.equal(
    parseConfig(text, 'drover.json', { env: { NOMAD_ADDR: 'http://10.0.0.1:4646' } }).clusters.get('default')?.address,
    'http://10.0.0.1:4646',
  );
  assert.throws(
    () => parseConfig('cluster "prod" {\n  region = "eu"\n}\n', 'drover.hcl', { env: {} }),
    /drover\.hcl:1:1: cluster\.prod\.address: no Nomad address: set "address" in the cluster block or the NOMAD_ADDR/,
  );
});

test('sync.max_prune takes a count or a percentage; the default is half, and allow_mass_prune lifts it', () => {
  const env = { NOMAD_ADDR: 'http://127.0.0.1:4646' };
  const policy = (sync: object) =>
    parseConfig(JSON.stringify({ app: { web: { url: 'x', sync } } }), 'd.json', { env }).apps[0]!.syncPolicy;
  assert.deepEqual(policy({}).maxPrune, { percent: 50 });
  assert.equal(policy({}).allowMassPrune, false);
  assert.deepEqual(policy({ max_prune: 3 }).maxPrune, { count: 3 });
  assert.deepEqual(policy({ max_prune: '20%' }).maxPrune, { percent: 20 });
  assert.equal(policy({ allow_mass_prune: true }).allowMassPrune, true);
  assert.throws(() => policy({ max_prune: '120%' }), /app\.web\.sync\.max_prune/);
  assert.throws(() => policy({ max_prune: -1 }), /app\.web\.sync\.max_prune/);
});

test('JSON config errors give line and column, for syntax and for fields', () => {
  assert.throws(
    () => parseConfig('{\n  "listen": "127.0.0.1:1",\n  "app": {,}\n}\n', 'drover.json', { env: {} }),
    /^DroverError: drover\.json:3:11: invalid JSON: value expected/,
  );
  const wrongType = '{\n  "app": {\n    "web": {\n      "url": "x",\n      "sync": { "prune": "yes" }\n    }\n  }\n}\n';
  assert.throws(() => parseConfig(wrongType, 'drover.json', { env: {} }), /drover\.json:5:17: app\.web\.sync\.prune: /);
  assert.throws(
    () => parseConfig('{\n  "app": {\n    "web": { "url": "x", "colour": 1 }\n  }\n}\n', 'drover.json', { env: {} }),
    /drover\.json:3:26: app\.web: .*colour/,
  );
});
