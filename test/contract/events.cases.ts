import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBatch } from '../../src/nomad/index.js';
import { control, serviceJob, until, type Target } from './target.js';

/** The event stream: framing, topics and keys, and resuming after a dropped connection. */
export function eventCases(target: () => Target): void {
  test('the stream delivers Job and Evaluation events of a register, filtered by topic key', async () => {
    const { nomad, name } = target();
    const id = name('events');
    const abort = new AbortController();
    const batches: EventBatch[] = [];
    const start = (await nomad.jobs.list()).meta.lastIndex;
    const reading = (async () => {
      for await (const batch of nomad.events.stream({
        topics: { Job: [id], Evaluation: [id] },
        index: start + 1,
        signal: abort.signal,
      }))
        batches.push(batch);
    })();
    const registered = await nomad.jobs.register(serviceJob(id));
    await nomad.jobs.register(serviceJob(name('events-other')));
    const first = await until('the register events', async () =>
      batches.find((b) => b.Index === registered.JobModifyIndex),
    );
    const job = first.Events.find((e) => e.Topic === 'Job')!;
    assert.deepEqual(
      [job.Type, job.Key, job.Namespace, job.Index],
      ['JobRegistered', id, 'default', registered.JobModifyIndex],
    );
    assert.equal((job.Payload.Job as { ID: string }).ID, id);
    const evaluation = first.Events.find((e) => e.Topic === 'Evaluation')!;
    assert.equal(evaluation.Type, 'JobRegistered');
    assert.equal((evaluation.Payload.Evaluation as { ID: string }).ID, registered.EvalID);
    assert.ok(
      batches.every((b) => b.Events.every((e) => e.Key === id || (e.FilterKeys ?? []).includes(id))),
      'only events of the job asked for',
    );
    abort.abort();
    await reading;
    await nomad.jobs.deregister(id, { purge: true });
    await nomad.jobs.deregister(name('events-other'), { purge: true });
  });

  test('subscribe resumes from the last index after the connection drops, without repeating events', async (t) => {
    if (target().kind !== 'sim') return t.skip("dropping the stream needs the simulator's /_sim/events/drop");
    const { nomad, name } = target();
    const id = name('resume');
    const abort = new AbortController();
    const seen: number[] = [];
    let reconnects = 0;
    const start = (await nomad.jobs.list()).meta.lastIndex;
    const reading = (async () => {
      const stream = nomad.events.subscribe({
        topics: { Job: [id] },
        index: start + 1,
        signal: abort.signal,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        onReconnect: () => reconnects++,
      });
      for await (const batch of stream) seen.push(batch.Index);
    })();
    const first = await nomad.jobs.register(serviceJob(id, { Priority: 51 }));
    await until('the first event', async () => seen.includes(first.JobModifyIndex));
    const dropped = (await control(target(), '/events/drop')) as { dropped: number };
    assert.ok(dropped.dropped >= 1);
    const second = await nomad.jobs.register(serviceJob(id, { Priority: 52 }));
    await until('the event after the drop', async () => seen.includes(second.JobModifyIndex));
    assert.ok(reconnects >= 1, 'the subscriber reconnected');
    assert.deepEqual(
      seen,
      [...new Set(seen)].sort((a, b) => a - b),
      'no batch delivered twice, in index order',
    );
    abort.abort();
    await reading;
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('the raw stream starts with {} and carries one JSON object per line', async () => {
    const { address, name, nomad } = target();
    const id = name('framing');
    const abort = new AbortController();
    const headers: Record<string, string> =
      process.env.NOMAD_TOKEN && target().kind === 'nomad' ? { 'X-Nomad-Token': process.env.NOMAD_TOKEN } : {};
    const response = await fetch(
      `${address}/v1/event/stream?topic=Job:${encodeURIComponent(id)}&index=${(await nomad.jobs.list()).meta.lastIndex + 1}`,
      { signal: abort.signal, headers },
    );
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await nomad.jobs.register(serviceJob(id));
    while (!text.includes('"JobRegistered"')) text += decoder.decode((await reader.read()).value, { stream: true });
    const lines = text.split('\n').filter((line) => line !== '');
    assert.equal(lines[0], '{}');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line));
    abort.abort();
    await nomad.jobs.deregister(id, { purge: true });
  });
}
