import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { Stack } from '../helpers/stack.js';

/** A minimal HCL job, as a team would commit it. */
const hclJob = (id: string) => `job "${id}" {
  datacenters = ["dc1"]
  group "main" {
    task "app" {
      driver = "docker"
      config {
        image = "nginx:1.27"
      }
    }
  }
}
`;

const dirSet = (paths: string, pruneOnDelete: boolean) => ({
  git_directories: { repository: 'jobs', revision: 'main', paths: [paths] },
  template: { name: '${path.basename}', repository: 'jobs', revision: 'main', path: '${path}' },
  sync: { prune_on_delete: pruneOnDelete },
});

type AppList = { apps: Array<{ name: string; appSet?: string; project: string }> };

describe('app sets: apps come and go with git', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {},
        pollInterval: '200ms',
        config: {
          project: {
            'team-a': { destinations: [{ cluster: 'default', namespace: 'default' }], jobs: ['team-*'] },
          },
          app_set: {
            apps: dirSet('apps/*', false),
            retired: dirSet('retired/*', true),
            teams: {
              project: 'team-a',
              git_files: { repository: 'jobs', revision: 'main', paths: ['teams/*/drover.json'] },
              template: {
                name: 'team-${path.basename}',
                repository: 'jobs',
                revision: 'main',
                path: '${path}',
                namespace: '${namespace}',
              },
            },
          },
        },
      },
      (repo) =>
        repo
          .write('apps/web/web.nomad.hcl', hclJob('web'))
          .write('retired/old/old.nomad.hcl', hclJob('old'))
          .write('teams/a/drover.json', { namespace: 'default' })
          .write('teams/a/team-a.nomad.hcl', hclJob('team-a'))
          .commit('web, old and team a'),
    );
    for (const app of ['web', 'old', 'team-a'])
      await stack.waitForApp(app, 'Synced', (view) => view?.status?.sync?.status === 'Synced');
  });
  after(() => stack.stop());

  test('given a set over apps/*, its apps are ordinary apps that say which set made them', async () => {
    const { body } = await stack.api<AppList>('/api/v1/apps');
    assert.deepEqual(body.apps.map((a) => [a.name, a.appSet, a.project]).sort(), [
      ['old', 'retired', 'default'],
      ['team-a', 'teams', 'team-a'],
      ['web', 'apps', 'default'],
    ]);
    const { body: job } = await stack.nomad('/v1/job/web');
    assert.equal(job.Meta['drover.app'], 'web');

    // The CLI lists them by project and by set, and its wide table names both.
    const env = { DROVER_ADDR: stack.drover.url, DROVER_TOKEN: stack.adminToken, XDG_CONFIG_HOME: stack.dir.path };
    const bySet = await runCli(['app', 'list', '--app-set', 'teams', '-o', 'json'], env);
    assert.deepEqual(
      JSON.parse(bySet.stdout).apps.map((a: { name: string }) => a.name),
      ['team-a'],
    );
    const wide = await runCli(['app', 'list', '--project', 'default', '-o', 'wide'], env);
    assert.equal(wide.code, 0, wide.stderr);
    assert.match(wide.stdout, /PROJECT\s+APP SET/);
    assert.match(wide.stdout, /\nold\s.*\sdefault\s+retired\s/);
    assert.doesNotMatch(wide.stdout, /team-a/);
  });

  test('when apps/new/job.nomad.hcl is committed, then app "new" is created and synced by that poll', async () => {
    stack.repo.write('apps/new/job.nomad.hcl', hclJob('new')).commit('add new');
    const app = await stack.waitForApp('new', 'Synced', (view) => view?.status?.sync?.status === 'Synced');
    assert.equal(app.appSet, 'apps');
    const { body: history } = await stack.api('/api/v1/apps/new/history');
    assert.deepEqual(
      history.history.map((r: { trigger: string; result: string }) => [r.trigger, r.result]),
      [['poll', 'Succeeded']],
    );
    const { status, body: job } = await stack.nomad('/v1/job/new');
    assert.deepEqual([status, job.Stop], [200, false]);
  });

  test('when its directory is removed, then the app goes and its jobs keep running (no prune_on_delete)', async () => {
    stack.repo.remove('apps/new/job.nomad.hcl').commit('remove new');
    await waitGone(stack, 'new');
    const { status, body: job } = await stack.nomad('/v1/job/new');
    assert.deepEqual([status, job.Stop], [200, false], 'the job is kept');
    assert.equal((await stack.api('/api/v1/apps/web')).status, 200, 'the other apps stay');
  });

  test('with prune_on_delete, a removed app has its jobs pruned (stopped, not purged) before it goes', async () => {
    stack.repo.remove('retired/old/old.nomad.hcl').commit('retire old');
    await waitGone(stack, 'old');
    const { status, body: job } = await stack.nomad('/v1/job/old');
    assert.deepEqual([status, job.Stop], [200, true]);
  });

  test("a project refuses a generated app that targets another team's namespace, and nothing is written", async () => {
    stack.repo
      .write('teams/b/drover.json', { namespace: 'team-b' })
      .write('teams/b/team-b.nomad.hcl', hclJob('team-b'))
      .commit('team b aims at its own namespace from team a');
    const app = await stack.waitForApp('team-b', 'refused', (view) =>
      view?.status?.conditions?.some((c: { type: string }) => c.type === 'ProjectViolation'),
    );
    assert.match(
      app.status.conditions.find((c: { type: string }) => c.type === 'ProjectViolation').message,
      /app "team-b" is outside project "team-a": destination default\/team-b is not one of its destinations \(default\/default\)/,
    );
    assert.equal(app.status.sync.status, 'Unknown');
    const { body: history } = await stack.api('/api/v1/apps/team-b/history');
    assert.deepEqual(history.history, [], 'no sync ran');
    assert.equal((await stack.nomad('/v1/job/team-b?namespace=team-b')).status, 404);
  });

  test('when a parameter file breaks, the set keeps its apps and GET /api/v1/appsets says why', async () => {
    stack.repo.write('teams/a/drover.json', '{ "namespace": ').commit('a broken parameter file');
    const deadline = Date.now() + 20_000;
    let sets: Array<{ name: string; apps: string[]; error?: string; generator: string; project: string }> = [];
    while (!sets.find((set) => set.name === 'teams')?.error) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for the teams set to fail: ${JSON.stringify(sets)}`);
      await new Promise((r) => setTimeout(r, 100));
      sets = (await stack.api('/api/v1/appsets')).body.appSets;
    }
    const teams = sets.find((set) => set.name === 'teams')!;
    assert.deepEqual([teams.generator, teams.project, teams.apps], ['git_files', 'team-a', ['team-a', 'team-b']]);
    assert.match(teams.error!, /teams\/a\/drover\.json at [0-9a-f]{12}: invalid JSON/);
    const { status, body } = await stack.api('/api/v1/apps/team-a');
    assert.deepEqual([status, body.appSet], [200, 'teams'], 'the app stays');
    assert.equal((await stack.nomad('/v1/job/team-a')).body.Stop, false);
  });

  test('a token scoped to a project sees that project’s apps, generated ones included, and no others', async () => {
    const { status, body } = await stack.api('/api/v1/tokens', { json: { role: 'viewer', projects: ['team-a'] } });
    assert.equal(status, 201);
    assert.deepEqual([body.token.apps, body.token.projects], [[], ['team-a']]);
    const headers = { authorization: `Bearer ${body.secret}` };
    const { body: list } = await stack.api<AppList>('/api/v1/apps', { headers });
    assert.deepEqual(list.apps.map((a) => a.name).sort(), ['team-a', 'team-b']);
    assert.equal((await stack.api('/api/v1/apps/web', { headers })).status, 404);
  });
});

async function waitGone(stack: Stack, app: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await stack.api(`/api/v1/apps/${app}`)).status !== 404) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for app ${app} to go`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
