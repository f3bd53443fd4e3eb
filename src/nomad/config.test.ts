import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nomadOptionsFromEnv } from './config.js';
import { backoffDelay } from './retry.js';

test('client options come from the NOMAD_* variables, overrides win', () => {
  const options = nomadOptionsFromEnv(
    {
      NOMAD_ADDR: 'https://nomad:4646',
      NOMAD_TOKEN: 't',
      NOMAD_NAMESPACE: 'prod',
      NOMAD_REGION: 'eu',
      NOMAD_CACERT: '/ca.pem',
      NOMAD_CLIENT_CERT: '/c.pem',
      NOMAD_CLIENT_KEY: '/k.pem',
      NOMAD_TLS_SERVER_NAME: 'server.eu.nomad',
      NOMAD_SKIP_VERIFY: 'true',
    },
    { region: 'us' },
  );
  assert.deepEqual(options, {
    address: 'https://nomad:4646',
    token: 't',
    namespace: 'prod',
    region: 'us',
    tls: {
      caCert: '/ca.pem',
      clientCert: '/c.pem',
      clientKey: '/k.pem',
      serverName: 'server.eu.nomad',
      skipVerify: true,
    },
  });
  assert.deepEqual(nomadOptionsFromEnv({}), {
    address: 'http://127.0.0.1:4646',
    token: undefined,
    namespace: undefined,
    region: undefined,
  });
});

test('backoff is exponential with full jitter and a ceiling', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
  assert.equal(
    backoffDelay(policy, 1, () => 0.999),
    99,
  );
  assert.equal(
    backoffDelay(policy, 3, () => 0.999),
    399,
  );
  assert.equal(
    backoffDelay(policy, 10, () => 0.999),
    999,
  );
  assert.equal(
    backoffDelay(policy, 3, () => 0),
    0,
  );
});
