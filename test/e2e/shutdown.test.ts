import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { startSim } from '../../sim/server.js';
import { parseConfig } from '../../src/config/load.js';
import { startDrover } from '../../src/main.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { serviceJob } from '../helpers/stack.js';

test('given more apps than reconcile workers, stopping Drover during the startup sync logs no error', async () => {
  const dir = tempDir('drover-shutdown-');
  const sim = await startSim({ port: 0 });
  try {
    const repo = new TestRepo(join(dir.path, 'repo'));
    // More apps than the controller's 16 workers, so some are still queued when stop() comes.
    const names = Array.from({ length: 40 }, (_, i) => `app-${i}`);
    for (const name of names) repo.write(`apps/${name}/job.json`, serviceJob(name));
    repo.commit('jobs');
    const config = parseConfig(
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        cluster: { default: { address: sim.url } },
        repository: { jobs: { url: repo.path, poll_interval: '1h' } },
        app: Object.fromEntries(
          names.map((name) => [name, { repository: 'jobs', revision: 'main', path: `apps/${name}` }]),
        ),
      }),
      join(dir.path, 'drover.json'),
      { env: {} },
    );
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const drover = await startDrover(config, pino({ level: 'debug' }, sink));
    await drover.stop();
    const errors = lines.filter((l) => l.level >= 50).map((l) => l.msg);
    assert.deepEqual(errors, []);
  } finally {
    await sim.close();
    dir.cleanup();
  }
});
