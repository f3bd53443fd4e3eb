import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../helpers/git.js';
import { getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';

type AppsResponse = {
  apps: Array<{
    name: string;
    source: { repoURL: string; revision: string; path: string };
    status: {
      sync: { status: string; revision?: string };
      jobs: Array<{
        id: string;
        namespace: string;
        file?: string;
        status: string;
        health?: { status: string; message?: string };
      }>;
      conditions: Array<{ type: string; message: string }>;
    };
  }>;
};

type NomadJobJSON = {
  Meta: Record<string, string>;
  Stop: boolean;
  Version: number;
  TaskGroups: Array<{ Count: number; Tasks: Array<{ Config: { image: string } }> }>;
};

function webJob(count: number, image = 'nginx:1.27') {
  return {
    Job: {
      ID: 'web',
      Type: 'service',
      Datacenters: ['dc1'],
      Meta: { team: 'platform' },
      TaskGroups: [{ Name: 'web', Count: count, Tasks: [{ Name: 'nginx', Driver: 'docker', Config: { image } }] }],
    },
  };
}

describe('commit to running job', () => {
  const dir = tempDir();
  const repo = new TestRepo(join(dir.path, 'repo'));
  let sim: Child & { match: RegExpMatchArray };
  let server: Child & { match: RegExpMatchArray };
  let nomad: string;
  let drover: string;

  const app = async () =>
    (await getJSON<AppsResponse>(`${drover}/api/v1/apps`)).body.apps.find((a) => a.name === 'web')!;
  const syncedAt = (sha: string) =>
    waitFor(`app synced at ${sha.slice(0, 8)}`, async () => {
      const current = await app();
      return current.status.sync.status === 'Synced' && current.status.sync.revision === sha ? current : undefined;
    });

  before(async () => {
    sim = await startDrover(['sim', '--port', '0'], /listening on (http:\/\/\S+)/);
    nomad = sim.match[1]!;
  });

  after(async () => {
    await server?.stop();
    await sim?.stop();
    dir.cleanup();
  });

  test('given a committed job file, when the server starts, then the job is registered with the ownership meta', async () => {
    repo
      .write('jobs/web.json', webJob(1))
      .write('jobs/api.json', { ...webJob(1), Job: { ...webJob(1).Job, ID: 'api' } })
      .write('README.md', 'not a job');
    const first = repo.commit('add web');
    const config = join(dir.path, 'drover.json');
    writeFileSync(
      config,
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        cluster: { default: { address: nomad } },
        repository: { jobs: { url: repo.path, poll_interval: '300ms' } },
        app: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } } },
      }),
    );
    server = await startDrover(['server', '--config', config], /listening on (http:\/\/\S+)/);
    drover = server.match[1]!;

    const synced = await syncedAt(first);
    assert.deepEqual(synced.source, { repoURL: repo.path, revision: 'main', path: 'jobs' });
    assert.deepEqual(
      synced.status.jobs.map(({ id, namespace, file, status }) => ({ id, namespace, file, status })),
      [
        { id: 'api', namespace: 'default', file: 'jobs/api.json', status: 'Synced' },
        { id: 'web', namespace: 'default', file: 'jobs/web.json', status: 'Synced' },
      ],
    );

    const { status, body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
    assert.equal(status, 200);
    assert.deepEqual(job.Meta, { team: 'platform', 'drover.app': 'web', 'drover.job': 'default/web' });
    assert.equal(job.TaskGroups[0]!.Count, 1);
    assert.equal(job.Version, 0);
  });

  test('when the job changes in git, then Nomad gets the change and the meta stays the same', async () => {
    const second = repo.write('jobs/web.json', webJob(3, 'nginx:1.28')).commit('scale web to 3');
    await syncedAt(second);
    const { body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
    assert.equal(job.TaskGroups[0]!.Count, 3);
    assert.equal(job.TaskGroups[0]!.Tasks[0]!.Config.image, 'nginx:1.28');
    assert.equal(job.Version, 1);
    assert.deepEqual(
      job.Meta,
      { team: 'platform', 'drover.app': 'web', 'drover.job': 'default/web' },
      'no revision-dependent meta',
    );

    const history = await getJSON<{
      history: Array<{
        revision: string;
        author: string;
        subject: string;
        jobs: Array<{ id: string; action: string }>;
      }>;
    }>(`${drover}/api/v1/apps/web/history`);
    assert.equal(history.body.history[0]!.revision, second);
    assert.equal(history.body.history[0]!.subject, 'scale web to 3');
    assert.equal(history.body.history[0]!.author, 'Test Author');
    assert.deepEqual(
      history.body.history[0]!.jobs.map((j) => [j.id, j.action]),
      [
        ['api', 'unchanged'],
        ['web', 'update'],
      ],
    );
  });

  test('when a commit breaks a job file, then the app is Unknown with the file named and nothing is pruned', async () => {
    const broken = repo.write('jobs/web.json', '{ "Job": { "ID": "web", ').commit('break web');
    const current = await waitFor('render error reported', async () => {
      const a = await app();
      return a.status.sync.status === 'Unknown' ? a : undefined;
    });
    assert.match(current.status.conditions[0]!.message, /jobs\/web\.json:1:\d+: invalid JSON/);
    assert.match(current.status.conditions[0]!.message, new RegExp(broken.slice(0, 12)));
    const { body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
    assert.equal(job.Stop, false, 'a render error never prunes');
  });

  test('when the file is removed from git, then the job is pruned (stopped, not purged)', async () => {
    const removed = repo.remove('jobs/web.json').commit('remove web');
    await syncedAt(removed);
    const { status, body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
    assert.equal(status, 200, 'Nomad keeps the stopped job and its history');
    assert.equal(job.Stop, true);
  });

  test('when the last job is removed without allow_empty, then nothing is pruned and the app says why', async () => {
    // The folder stays (a README), so the source is empty rather than missing.
    const emptied = repo.remove('jobs/api.json').write('jobs/README.md', 'retired').commit('remove api');
    const current = await waitFor('prune skipped', async () => {
      const a = await app();
      return a.status.conditions.some((c) => c.type === 'PruneSkipped') ? a : undefined;
    });
    assert.equal(current.status.sync.status, 'OutOfSync');
    assert.match(current.status.conditions.find((c) => c.type === 'PruneSkipped')!.message, /allow_empty/);
    const { body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/api`);
    assert.equal(job.Stop, false, 'an emptied source never prunes without allow_empty');
    assert.notEqual(current.status.sync.revision, emptied);
  });
});
