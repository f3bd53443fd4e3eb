import { createServer } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NomadAPIError } from '../../src/nomad/index.js';
import { NomadClient, NomadNetworkError } from '../../src/nomad/index.js';
import { control, serviceJob, simTarget, CONTRACT_SIM, type Target } from './target.js';

/** Error statuses and bodies, retries of idempotent calls only, ACLs and secrets kept out of errors. */
export function errorCases(target: () => Target): void {
  test('bad bodies, ID mismatches and wrong methods answer as Nomad does', async () => {
    const { address } = target();
    const headers: Record<string, string> =
      process.env.NOMAD_TOKEN && target().kind === 'nomad' ? { 'X-Nomad-Token': process.env.NOMAD_TOKEN } : {};
    const empty = await fetch(`${address}/v1/jobs`, { method: 'PUT', body: '', headers });
    assert.equal(empty.status, 400);
    const id = target().name('mismatch');
    const mismatch = await fetch(`${address}/v1/job/${id}-other`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ job: serviceJob(id) }),
    });
    assert.equal(mismatch.status, 400, 'keys match case-insensitively, and the ID must match the path');
    assert.equal(await mismatch.text(), 'Job ID does not match name');
    const noJob = await fetch(`${address}/v1/jobs`, { method: 'PUT', headers, body: JSON.stringify({}) });
    assert.deepEqual([noJob.status, await noJob.text()], [400, 'Job must be specified']);
    assert.equal((await fetch(`${address}/v1/jobs`, { method: 'PATCH', headers })).status, 405);
    assert.equal((await fetch(`${address}/v1/jobs?index=abc`, { headers })).status, 400);
    assert.equal((await fetch(`${address}/v1/jobs?index=1&wait=forever`, { headers })).status, 400);
  });

  test('reads retry on 5xx and 429; writes are not retried', async (t) => {
    if (target().kind !== 'sim') return t.skip("needs the simulator's request fault injection");
    const { nomad, name } = target();
    const id = name('retry');
    await nomad.jobs.register(serviceJob(id));
    await control(target(), '/faults/errors', { path: `/v1/job/${id}`, method: 'GET', status: 500, count: 2 });
    await control(target(), '/faults/errors', { path: '/v1/jobs', method: 'GET', status: 429, count: 1 });
    assert.equal((await nomad.jobs.read(id)).job?.ID, id, 'two 500s, then success');
    assert.ok((await nomad.jobs.list()).jobs.length > 0, 'a 429, then success');
    await control(target(), '/faults/errors', {
      path: `/v1/job/${id}`,
      method: 'PUT',
      status: 503,
      count: 1,
      body: 'server busy',
    });
    await assert.rejects(nomad.jobs.register(serviceJob(id, { Priority: 70 })), (error: NomadAPIError) => {
      assert.deepEqual(
        [error.statusCode, error.body, error.method, error.path],
        [503, 'server busy', 'PUT', `/v1/job/${id}`],
      );
      return true;
    });
    assert.equal((await nomad.jobs.read(id)).job?.Priority, 50, 'the failed write was not retried');
    await control(target(), '/faults/errors', { path: `/v1/job/${id}`, method: 'GET', status: 500, count: 10 });
    await assert.rejects(
      nomad.jobs.read(id),
      (e: NomadAPIError) => e.statusCode === 500,
      'retries give up after the attempts',
    );
    await fetch(`${target().address}/_sim/faults`, { method: 'DELETE' });
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('ACLs: no or unknown token gets 403 Permission denied; the token never appears in the error', async (t) => {
    if (target().kind !== 'sim' && !(await target().nomad.system.agentSelf()).config.ACL?.Enabled)
      return t.skip('the agent runs without ACLs');
    const secured =
      target().kind === 'sim' ? await simTarget({ ...CONTRACT_SIM, aclBootstrapToken: 'boot-secret-123' }) : target();
    try {
      const secret = 'not-a-real-token-4f1b';
      const intruder = new NomadClient({ address: secured.address, token: secret, retry: { attempts: 1 } });
      await assert.rejects(intruder.jobs.list(), (error: NomadAPIError) => {
        assert.equal(error.statusCode, 403);
        assert.match(error.body, /Permission denied|ACL token not found/);
        assert.equal(error.message.includes(secret) || JSON.stringify(error).includes(secret), false);
        return true;
      });
      const anonymous = new NomadClient({ address: secured.address, retry: { attempts: 1 } });
      await assert.rejects(anonymous.jobs.read('x'), (error: NomadAPIError) => error.statusCode === 403);
      assert.ok(Array.isArray((await secured.nomad.jobs.list()).jobs), 'the bootstrap token works');
      const { token } = await secured.nomad.system.tokenSelf();
      if (secured.kind === 'sim') assert.deepEqual([token.Type, token.Name], ['management', 'Bootstrap Token']);
      await Promise.all([intruder.close(), anonymous.close()]);
    } finally {
      if (secured !== target()) await secured.close();
    }
  });

  test('timeouts and aborts end a call with a network error', async (t) => {
    if (target().kind !== 'sim') return t.skip("needs the simulator's latency injection");
    const { address } = target();
    await control(target(), '/faults/latency', { ms: 300, path: '/v1/status/leader' });
    const slow = new NomadClient({ address, timeoutMs: 30, retry: { attempts: 1 } });
    await assert.rejects(
      slow.system.leader(),
      (error: NomadNetworkError) => error instanceof NomadNetworkError && /timed out/.test(error.message),
    );
    const abort = new AbortController();
    const call = slow.system.leader({ signal: abort.signal });
    abort.abort();
    await assert.rejects(
      call,
      (error: NomadNetworkError) => error instanceof NomadNetworkError && /aborted/.test(error.message),
    );
    await control(target(), '/faults/latency', { ms: 0 });
    await slow.close();
  });

  test('an unreachable agent gives a network error naming the call, not the token', async () => {
    const port = await closedPort();
    const client = new NomadClient({
      address: `http://127.0.0.1:${port}`,
      token: 'secret-token-xyz',
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await assert.rejects(client.jobs.list(), (error: NomadNetworkError) => {
      assert.ok(error instanceof NomadNetworkError);
      assert.match(error.message, /GET \/v1\/jobs: ECONNREFUSED/);
      assert.equal(error.message.includes('secret-token-xyz'), false);
      return true;
    });
    await client.close();
  });
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
