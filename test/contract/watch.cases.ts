import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NomadClient, watch } from '../../src/nomad/index.js';
import { control, serviceJob, type Target } from './target.js';

/** The client's blocking-query loop (`watch`) against the target. */
export function watchCases(target: () => Target): void {
  const job = (id: string, priority: number) =>
    serviceJob(id, { Type: 'batch', Priority: priority, Periodic: { Spec: '0 0 1 1 *', SpecType: 'cron' } });

  test('watch yields the first answer, then one per change, and stops with the signal', async () => {
    const { nomad, name } = target();
    const id = name('watched');
    await nomad.jobs.register(job(id, 10));
    const abort = new AbortController();
    const seen: number[] = [];
    for await (const { job: current } of watch((o) => nomad.jobs.read(id, o), { signal: abort.signal })) {
      seen.push(Number(current?.Priority));
      if (seen.length === 3) abort.abort();
      else await nomad.jobs.register(job(id, 10 + seen.length));
    }
    assert.deepEqual(seen, [10, 11, 12]);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('watch retries failed reads and reports them', async (t) => {
    if (target().kind !== 'sim') return t.skip("needs the simulator's request fault injection");
    await control(target(), '/faults/errors', { path: '/v1/jobs', method: 'GET', status: 500, count: 3 });
    const errors: unknown[] = [];
    const abort = new AbortController();
    const client = new NomadClient({ address: target().address, retry: { attempts: 1 } });
    for await (const { meta } of watch((o) => client.jobs.list(o), {
      signal: abort.signal,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      onError: (e) => errors.push(e),
    })) {
      assert.ok(meta.lastIndex > 0);
      abort.abort();
    }
    assert.equal(errors.length, 3);
    await client.close();
  });
}
