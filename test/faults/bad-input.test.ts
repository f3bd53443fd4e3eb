import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/git.js';
import { startDrover } from '../helpers/process.js';
import { Stack, serviceJob } from '../helpers/stack.js';

type Condition = { type: string; message: string };
type View = { status: { sync: { status: string }; conditions: Condition[] } };

/** Each bad app starts with one good job, then a commit adds its bad input beside it. */
const BAD = ['hcl', 'json', 'rejected', 'dup', 'owned', 'big', 'link', 'bin'] as const;

// Bad input: each gives its own clear error, affects only its app, and loses nothing.
describe('fault: bad input', () => {
  let stack: Stack;
  before(async () => {
    const apps: Record<string, Record<string, unknown>> = {
      good: { repository: 'jobs', revision: 'main', path: 'good', sync: { automated: true, prune: true } },
    };
    for (const name of BAD)
      apps[name] = { repository: 'jobs', revision: 'main', path: name, sync: { automated: true, prune: true } };
    stack = await Stack.start({ apps }, (repo) => {
      repo.write('good/web.json', serviceJob('web'));
      for (const name of BAD) repo.write(`${name}/ok.json`, serviceJob(`${name}-ok`));
      repo.commit('one good job per app');
    });
    for (const name of ['good', ...BAD])
      await stack.waitForApp(name, 'Synced', (v: View) => v.status.sync.status === 'Synced');

    const { repo } = stack;
    repo.write('hcl/broken.nomad.hcl', 'job "broken" {\n  group "g" {\n    count = \n  }\n}\n');
    repo.write('json/broken.json', '{"Job": {"ID": "broken", "TaskGroups": [}');
    repo.write('rejected/pool.json', { Job: { ...serviceJob('pooled').Job, NodePool: 'gpu' } });
    repo.write('dup/one.json', serviceJob('twin')).write('dup/two.json', serviceJob('twin'));
    repo.write('owned/web.json', serviceJob('web', { count: 5 }));
    writeFileSync(join(repo.path, 'big/huge.json'), Buffer.alloc(50 * 1024 * 1024, 0x20));
    symlinkSync('../good/web.json', join(repo.path, 'link/escape.json'));
    writeFileSync(join(repo.path, 'bin/blob.nomad'), Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x9c, 0x00, 0x7f, 0x80]));
    repo.commit('bad input everywhere but good');
  });
  after(() => stack.stop());

  const expected: Record<(typeof BAD)[number], { type: string; message: RegExp }> = {
    hcl: { type: 'ComparisonError', message: /hcl\/broken\.nomad\.hcl:3:\d+/ },
    json: { type: 'ComparisonError', message: /json\/broken\.json/ },
    rejected: { type: 'SyncError', message: /pooled: .*nonexistent node pool "gpu"/ },
    dup: {
      type: 'ComparisonError',
      message: /dup\/two\.json: job "twin" in namespace "default" is also defined in dup\/one\.json/,
    },
    owned: { type: 'SharedJob', message: /web.* is owned by app "good"/ },
    big: { type: 'ComparisonError', message: /big\/huge\.json.* is 52428800 bytes, more than the limit/ },
    link: { type: 'ComparisonError', message: /symlink "link\/escape\.json"/ },
    bin: { type: 'ComparisonError', message: /bin\/blob\.nomad/ },
  };

  for (const name of BAD) {
    test(`given ${name} input, its app reports it, its good job stays, and nothing else is touched`, async () => {
      const { body } = await stack.refresh(name);
      const view = body as View;
      const condition = view.status.conditions.find((c) => c.type === expected[name].type);
      assert.ok(condition, `${name}: a ${expected[name].type} condition in ${JSON.stringify(view.status.conditions)}`);
      assert.match(condition.message, expected[name].message);
      assert.notEqual(view.status.sync.status, 'Synced');
      const { status, body: job } = await stack.nomad(`/v1/job/${name}-ok`);
      assert.deepEqual([status, job.Stop], [200, false], `${name}-ok is still running`);
    });
  }

  test('the good app is untouched: Synced, and its job keeps its owner and content', async () => {
    const { body } = await stack.refresh('good');
    assert.equal((body as View).status.sync.status, 'Synced');
    const { body: web } = await stack.nomad('/v1/job/web');
    assert.equal(web.Meta['drover.app'], 'good');
    assert.equal(web.TaskGroups[0].Count, 1, 'the other app did not write over it');
  });

  test('given a config with an unknown key and a wrong type, the server refuses to start with file, line and column', async () => {
    const dir = tempDir('drover-bad-config-');
    try {
      const file = join(dir.path, 'drover.json');
      writeFileSync(file, '{\n  "listen": "127.0.0.1:0",\n  "colour": "blue",\n  "refresh_interval": 30\n}\n');
      const message = await startDrover(['server', '--config', file], /Drover listening/, {}, { token: false }).then(
        async (child) => {
          await child.stop();
          return 'started';
        },
        (error: Error) => error.message,
      );
      assert.match(message, /drover\.json:3:3: .*colour/);
      assert.match(message, /drover\.json:4:3: refresh_interval: /);
      assert.doesNotMatch(message, /\n\s+at /, 'a clear message, not a stack trace');
    } finally {
      dir.cleanup();
    }
  });
});
