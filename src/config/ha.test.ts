import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './load.js';

const hcl = (body: string, env: NodeJS.ProcessEnv = {}) => parseConfig(body, '/etc/drover/drover.hcl', { env });

test('ha is off by default, and the store is the embedded SQLite file', () => {
  const config = hcl('');
  assert.deepEqual(config.ha, {
    enabled: false,
    lockPath: 'nomad/jobs/drover/leader',
    ttlMs: 15_000,
    lockDelayMs: 10_000,
    cluster: 'default',
    namespace: 'default',
  });
  assert.deepEqual(config.store, { kind: 'sqlite' });
});

test('the ha block, with the advertised URL from the environment', () => {
  const config = hcl('ha {\n  enabled = true\n  lock_path = "nomad/jobs/cd/leader"\n  ttl = "20s"\n}\n', {
    DROVER_ADVERTISE_URL: 'http://10.0.0.5:8080/',
    NOMAD_ADDR: 'http://127.0.0.1:4646',
  });
  assert.deepEqual(
    [config.ha.enabled, config.ha.lockPath, config.ha.ttlMs, config.ha.advertiseURL],
    [true, 'nomad/jobs/cd/leader', 20_000, 'http://10.0.0.5:8080'],
  );
});

test('ha rejects a TTL outside 1s-24h, a bad path and an unknown cluster', () => {
  assert.throws(() => hcl('ha {\n  ttl = "500ms"\n}\n'), /ttl.*between "1s" and "24h"/s);
  assert.throws(() => hcl('ha {\n  lock_path = "bad path!"\n}\n'), /lock_path/);
  assert.throws(
    () => hcl('ha {\n  enabled = true\n  cluster = "nope"\n}\n'),
    /ha\.cluster: no cluster block named "nope"/,
  );
});

test('store names the variable holding the PostgreSQL URL; the URL is checked but never kept', () => {
  const url = 'postgres://drover:s3cret@db.example:5432/drover';
  const config = hcl('store {\n  postgres_url_env = "DROVER_DATABASE_URL"\n}\n', { DROVER_DATABASE_URL: url });
  assert.deepEqual(config.store, { kind: 'postgres', postgresURLEnv: 'DROVER_DATABASE_URL' });
  assert.equal(JSON.stringify(config.store).includes('s3cret'), false);
  assert.throws(
    () => hcl('store {\n  postgres_url_env = "DROVER_DATABASE_URL"\n}\n'),
    /environment variable DROVER_DATABASE_URL is not set/,
  );
  assert.throws(() => hcl('store {\n  postgres_url_env = "not a name"\n}\n'), /environment variable name/);
});
