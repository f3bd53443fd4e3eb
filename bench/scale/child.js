// The Drover under measurement: the compiled server (dist/, as `drover server` runs it, no heap
// flags) in its own process, driven by the benchmark over IPC so that CPU, memory and timings
// are Drover's alone. Messages: {id, cmd: 'resync' | 'gc' | 'memory' | 'snapshot' | 'stop'}; answers {id, ...}.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseConfig } from '../../dist/src/config/load.js';
import { createLogger, startDrover } from '../../dist/src/main.js';

const file = process.argv[2];
const config = parseConfig(readFileSync(file, 'utf8'), file, { env: {} });
const drover = await startDrover(config, createLogger(process.env.DROVER_LOG_LEVEL ?? 'warn'));

/**
 * A no-change reconcile of every app, as a full resync does: wall and CPU time, and what it found.
 * Every app is asked as of one moment (one `requestedAt`), so a fetch of a repository started
 * for the first of its apps serves them all: one fetch per repository, as the design says.
 */
async function resync() {
  const names = config.apps.map((app) => app.name);
  const profiler = await startProfile();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const requestedAt = performance.timeOrigin + started;
  const outcomes = await Promise.all(
    names.map((name) => drover.controller.trigger(name, { trigger: 'resync', requestedAt })),
  );
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await profiler?.stop();
  const outOfSync = names.filter((_, i) => outcomes[i].status.sync.status !== 'Synced');
  return { wallMs, cpuMs: (used.user + used.system) / 1000, outOfSync };
}

/**
 * BENCH_PROFILE_RESYNC=DIR: a CPU profile of each no-change round alone (the initial sync would
 * drown it in a whole-process --cpu-prof), written as DIR/resync-N.cpuprofile. For profiling only.
 */
let profiles = 0;
async function startProfile() {
  const dir = process.env.BENCH_PROFILE_RESYNC;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `resync-${++profiles}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** A full collection without starting the process with --expose-gc (which would change what is measured). */
function gc() {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc');
  collect();
  collect();
  return { heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

/**
 * process.memoryUsage() sampled every 100 ms: each field's peak, and the breakdown at the
 * moment of peak RSS, so the harness can say what the peak was made of (heap, buffers, native).
 */
const memory = { peak: {}, atPeakRss: {} };
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  for (const [key, value] of Object.entries(now)) memory.peak[key] = Math.max(memory.peak[key] ?? 0, value);
  if (now.rss >= (memory.atPeakRss.rss ?? 0)) memory.atPeakRss = now;
}, 100);
sampler.unref();

const mb = (record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Math.round(v / 2 ** 17) / 8]));

process.on('message', (message) => {
  const { id, cmd } = message;
  const answer = (value) => process.send({ id, ...value });
  if (cmd === 'resync') void resync().then(answer, (error) => answer({ error: String(error) }));
  else if (cmd === 'gc') answer(gc());
  else if (cmd === 'memory') answer({ peakMb: mb(memory.peak), atPeakRssMb: mb(memory.atPeakRss) });
  // BENCH_HEAP_SNAPSHOT=DIR: the harness asks for a snapshot of the settled process (for profiling only).
  else if (cmd === 'snapshot') answer({ file: writeHeapSnapshot(message.file) });
  else if (cmd === 'stop') void drover.stop().then(() => (answer({}), process.exit(0)));
});
process.on('disconnect', () => void drover.stop().then(() => process.exit(0)));
process.send({ ready: true, url: drover.url });
