import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NomadHTTP } from './client.js';
import { NomadNetworkError } from './errors.js';

// A throwaway CA, a server certificate for "server.global.nomad" only (no IP SAN), and a client certificate.
let dir: string;
let server: Server;
let address: string;
const seen: Array<string | undefined> = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-tls-'));
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  for (const [name, san] of [
    ['server', 'DNS:server.global.nomad'],
    ['client', 'DNS:client.global.nomad'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  server = createServer(
    {
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      seen.push(req.headers['x-nomad-token'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '7', 'x-nomad-knownleader': 'true' });
      res.end('"127.0.0.1:4647"');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const tls = (extra: Record<string, unknown> = {}) => ({
  caCert: join(dir, 'ca.pem'),
  clientCert: join(dir, 'client.pem'),
  clientKey: join(dir, 'client.key'),
  serverName: 'server.global.nomad',
  ...extra,
});
const leader = (http: NomadHTTP) => http.request<string>({ method: 'GET', path: '/v1/status/leader' });

test('mutual TLS: the CA, the client certificate and the server name let the call through, with meta read from headers', async () => {
  const http = new NomadHTTP({ address, token: 'tok-1', tls: tls() });
  const { data, meta } = await leader(http);
  assert.equal(data, '127.0.0.1:4647');
  assert.deepEqual([meta.lastIndex, meta.knownLeader], [7, true]);
  assert.equal(seen.at(-1), 'tok-1', 'the token travels in X-Nomad-Token');
  await http.close();
});

test('TLS failures are network errors: no client certificate, wrong server name, unknown CA; skip-verify accepts the name', async () => {
  const cases = [
    new NomadHTTP({
      address,
      tls: { caCert: join(dir, 'ca.pem'), serverName: 'server.global.nomad' },
      retry: { attempts: 1 },
    }),
    new NomadHTTP({ address, tls: tls({ serverName: undefined }), retry: { attempts: 1 } }),
    new NomadHTTP({ address, tls: tls({ caCert: undefined }), retry: { attempts: 1 } }),
  ];
  for (const http of cases) {
    await assert.rejects(leader(http), (error: unknown) => error instanceof NomadNetworkError);
    await http.close();
  }
  const skip = new NomadHTTP({ address, tls: tls({ caCert: undefined, serverName: undefined, skipVerify: true }) });
  assert.equal((await leader(skip)).data, '127.0.0.1:4647');
  await skip.close();
});

test('a missing certificate file is a config error naming the file', () => {
  assert.throws(
    () => new NomadHTTP({ address, tls: { caCert: join(dir, 'nope.pem') } }),
    /cannot read CA certificate .*nope\.pem: ENOENT/,
  );
  assert.throws(() => new NomadHTTP({ address, tls: { clientCert: join(dir, 'client.pem') } }), /must be set together/);
});
