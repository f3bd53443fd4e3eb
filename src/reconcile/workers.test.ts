import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workers } from './workers.js';

test('runs at most `size` tasks at once and starts waiting ones by priority, then arrival', async () => {
  const workers = new Workers(2);
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const gates = new Map<string, () => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      peak = Math.max(peak, ++running);
      gates.set(name, () => {
        running--;
        resolve(name);
      });
    });
  const all = [
    workers.run(0, task('a')),
    workers.run(0, task('b')),
    workers.run(0, task('low-1')),
    workers.run(0, task('low-2')),
    workers.run(5, task('high')),
  ];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a', 'b']);
  assert.equal(workers.queued, 3);
  gates.get('a')!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a', 'b', 'high'], 'the high-priority task jumps the queue');
  for (const name of ['b', 'high']) gates.get(name)!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started.slice(3), ['low-1', 'low-2']);
  for (const name of ['low-1', 'low-2']) gates.get(name)!();
  assert.deepEqual(await Promise.all(all), ['a', 'b', 'low-1', 'low-2', 'high']);
  assert.equal(peak, 2);
});

test('a failing task frees its slot', async () => {
  const workers = new Workers(1);
  await assert.rejects(
    workers.run(0, () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await workers.run(0, async () => 'next'), 'next');
});
