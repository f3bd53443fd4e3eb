import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '/work/wt-scale/test/helpers/git.js';
import { startDrover as spawnCli, waitFor } from '/work/wt-scale/test/helpers/process.js';
import { DroverChild, cpuSeconds } from '/work/wt-scale/bench/scale/drover.js';
import { World } from '/work/wt-scale/bench/scale/fixture.js';
const apps = Number(process.argv[2] ?? 10);
const dir = tempDir('probe-');
const world = new World(dir.path, { apps, repos: 1 });
const sim = await spawnCli(['sim', '--port', '0'], /listening on (http:\/\/\S+)/, {}, { dist: true });
const file = join(dir.path, 'd.json');
writeFileSync(file, JSON.stringify(world.config(sim.match[1]!, 3600000)));
const t0 = performance.now();
const d = await DroverChild.start(file, { DROVER_LOG_LEVEL: process.env.LVL ?? 'warn' });
console.error('ready', (performance.now() - t0).toFixed(0));
await waitFor(
  'synced',
  async () => {
    const body = (await (await fetch(`${d.url}/api/v1/apps`)).json()) as {
      apps: Array<{ status: { sync: { status: string } } }>;
    };
    return body.apps.every((a) => a.status.sync.status === 'Synced') ? true : undefined;
  },
  600000,
);
console.error(
  'synced',
  (performance.now() - t0).toFixed(0),
  'rss',
  d.rssMb('VmHWM').toFixed(0),
  'cpu drover',
  cpuSeconds(d.process.pid!),
  'sim',
  cpuSeconds(sim.process.pid!),
);
await d.stop();
await sim.stop();
dir.cleanup();
