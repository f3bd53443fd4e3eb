import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from './load.js';

test('applies defaults, resolves repositories and reads NOMAD_* when no cluster is set', () => {
  const config = parseConfig(JSON.stringify({
    repository: { platform: { url: 'https://git.example.com/platform/jobs.git' } },
    app: { web: { repository: 'platform', revision: 'main', path: './apps/web/' } },
  }), '/etc/drover/drover.json', { env: { NOMAD_ADDR: 'https://nomad.example.com:4646', NOMAD_TOKEN: 's3cret' } });
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8080 });
  assert.equal(config.dataDir, '/etc/drover/data');
  assert.equal(config.clusters.get('default')?.address, 'https://nomad.example.com:4646');
  assert.equal(config.clusters.get('default')?.token, 's3cret');
  assert.equal(config.repositories.get('platform')?.pollIntervalMs, 180_000);
  assert.deepEqual(config.apps[0], {
    name: 'web',
    source: { repoURL: 'https://git.example.com/platform/jobs.git', revision: 'main', path: 'apps/web' },
    destination: { cluster: 'default', namespace: 'default' },
    syncPolicy: { automated: true, prune: false, selfHeal: false, allowEmpty: false },
    render: 'local',
    vars: {},
    varFiles: [],
  });
  assert.ok(Object.isFrozen(config.apps[0]));
});

test('reads the cluster token from token_file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-config-'));
  writeFileSync(join(dir, 'token'), 'from-file\n');
  const config = parseConfig(JSON.stringify({ cluster: { default: { address: 'http://127.0.0.1:4646', token_file: 'token' } } }), join(dir, 'drover.json'), { env: { NOMAD_TOKEN: 'env' } });
  assert.equal(config.clusters.get('default')?.token, 'from-file');
});

test('errors name the file and the field', () => {
  assert.throws(() => parseConfig('{"app": {"web": {"revision": "main"}}}', 'drover.json'), /drover\.json: app\.web: set exactly one of "repository" or "url"/);
  assert.throws(() => parseConfig('{"app": {"web": {"url": "x", "sync": {"prune": "yes"}}}}', 'drover.json'), /drover\.json: app\.web\.sync\.prune: /);
  assert.throws(() => parseConfig('{"app": {"web": {"repository": "nope"}}}', 'drover.json'), /app\.web\.repository: no repository block named "nope"/);
  assert.throws(() => parseConfig('{"listen": "8080"}', 'drover.json'), /listen: expected "host:port"/);
  assert.throws(() => parseConfig('{"repository": {"r": {"url": "x", "poll_interval": "often"}}}', 'drover.json'), /repository\.r\.poll_interval: must be a positive Go duration/);
  assert.throws(() => parseConfig('{"bogus": 1}', 'drover.json'), /drover\.json: .*bogus/);
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
    syncPolicy: { automated: true, prune: true, selfHeal: true, allowEmpty: false },
    render: 'auto',
    vars: { env: 'prod', replicas: '3', zones: '["a","b"]' },
    varFiles: ['prod.vars.hcl'],
  });
});

test('HCL config errors name file, line and field', () => {
  assert.throws(() => parseConfig('app "web" {\n  url = "x"\n  sync {\n    prune = "yes"\n  }\n}\n', 'drover.hcl'), /Error: drover\.hcl:4:5: app\.web\.sync\.prune: /);
  assert.throws(() => parseConfig('app "web" {\n  url = "x"\n  render = "remote"\n}\n', 'drover.hcl'), /Error: drover\.hcl:3:3: app\.web\.render: /);
  assert.throws(() => parseConfig('listen = \n', 'drover.hcl'), /Error: drover\.hcl:1:10: Invalid expression/);
  assert.throws(() => parseConfig('app "a" {\n url = "x"\n}\napp "a" {\n url = "y"\n}\n', 'drover.hcl'), /Error: drover\.hcl:4:1: duplicate app a block; the first is at line 1/);
  assert.throws(() => parseConfig('bogus "x" {}\n', 'drover.hcl'), /Error: drover\.hcl:1:1: .*bogus/);
});
