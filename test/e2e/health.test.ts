import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/process.js';
import { Stack } from '../helpers/stack.js';

type JobHealth = { id: string; status: string; health?: { status: string; message?: string } };

const task = { Name: 'app', Driver: 'docker', Config: { image: 'nginx:1.27' } };
const update = {
  MaxParallel: 1,
  AutoRevert: true,
  HealthCheck: 'checks',
  MinHealthyTime: 0,
  HealthyDeadline: 60_000_000_000,
};
const group = (count: number, image = 'nginx:1.27') => ({
  Name: 'main',
  Count: count,
  Tasks: [{ ...task, Config: { image } }],
});

function service(id: string, image = 'nginx:1.27') {
  return { Job: { ID: id, Type: 'service', Datacenters: ['dc1'], Update: update, TaskGroups: [group(2, image)] } };
}

/** Health per job type, driven by the simulator's scheduler (allocations, deployments, auto-revert). */
describe('health', () => {
  let stack: Stack;
  before(async () => {
    stack = await Stack.start(
      {
        apps: {
          svc: { repository: 'jobs', revision: 'main', path: 'svc', sync: { automated: true } },
          kinds: { repository: 'jobs', revision: 'main', path: 'kinds', sync: { automated: true } },
          healing: { repository: 'jobs', revision: 'main', path: 'heal', sync: { automated: true, self_heal: true } },
        },
      },
      (repo) => {
        repo.write('svc/web.json', service('web')).write('heal/api.json', service('api'));
        repo.write('kinds/agent.json', {
          Job: { ID: 'agent', Type: 'system', Datacenters: ['dc1'], TaskGroups: [{ ...group(1), Count: 1 }] },
        });
        repo.write('kinds/once.json', {
          Job: { ID: 'once', Type: 'batch', Datacenters: ['dc1'], TaskGroups: [group(1)] },
        });
        repo.write('kinds/nightly.json', {
          Job: {
            ID: 'nightly',
            Type: 'batch',
            Datacenters: ['dc1'],
            Periodic: { Enabled: true, Spec: '0 3 * * *', SpecType: 'cron' },
            TaskGroups: [group(1)],
          },
        });
        repo.write('kinds/report.json', {
          Job: {
            ID: 'report',
            Type: 'batch',
            Datacenters: ['dc1'],
            ParameterizedJob: { Payload: 'optional' },
            TaskGroups: [group(1)],
          },
        });
        repo.commit('jobs of every kind');
      },
    );
    for (const app of ['svc', 'kinds', 'healing']) await stack.refresh(app);
    await waitFor('the first releases healthy', async () => {
      const apps = await Promise.all(
        ['svc', 'healing'].map(async (app) => (await stack.api(`/api/v1/apps/${app}`)).body),
      );
      return apps.every((a) => a.status.health.status === 'Healthy') ? true : undefined;
    });
  });
  after(() => stack.stop());

  const jobsOf = async (app: string): Promise<JobHealth[]> => (await stack.api(`/api/v1/apps/${app}`)).body.status.jobs;
  const healthOf = async (app: string, id: string) => (await jobsOf(app)).find((j) => j.id === id)?.health;

  test('a service job is Progressing while its deployment runs, then Healthy, without anyone asking for a refresh', async () => {
    stack.repo.write('svc/web.json', service('web', 'nginx:1.28')).commit('web 1.28');
    const { body } = await stack.refresh('svc');
    assert.equal(body.status.jobs[0].health.status, 'Progressing');
    assert.match(body.status.jobs[0].health.message, /deployment of version 1 running: \d\/2 allocs healthy/);
    const healthy = await waitFor('web healthy', async () => {
      const health = await healthOf('svc', 'web');
      return health?.status === 'Healthy' ? health : undefined;
    });
    assert.equal(healthy.message, '2/2 allocations running');
    const { body: app } = await stack.api('/api/v1/apps/svc');
    assert.deepEqual(app.status.health, { status: 'Healthy', message: '1 job(s) healthy' });
  });

  test('system, batch, periodic and parameterized jobs each get the health their kind calls for', async () => {
    await stack.refresh('kinds');
    const settled = await waitFor('kinds settled', async () => {
      const jobs = await jobsOf('kinds');
      return jobs.every((j) => j.health && j.health.status !== 'Progressing') ? jobs : undefined;
    });
    const byId = Object.fromEntries(settled.map((j) => [j.id, j.health]));
    assert.deepEqual(byId.agent, { status: 'Healthy', message: '1/1 allocations running' });
    assert.deepEqual(byId.once, { status: 'Healthy', message: 'batch job completed' });
    assert.match(byId.nightly!.message!, /^periodic job is registered/);
    assert.equal(byId.nightly!.status, 'Healthy');
    assert.match(byId.report!.message!, /^parameterized job is registered/);
  });

  test('a stopped job is Suspended and the app reports its worst job', async () => {
    await stack.nomad('/v1/job/once', { method: 'DELETE' });
    const health = await waitFor('once suspended', async () => {
      const h = await healthOf('kinds', 'once');
      return h?.status === 'Suspended' ? h : undefined;
    });
    assert.equal(health.message, 'job is stopped');
    const { body: app } = await stack.api('/api/v1/apps/kinds');
    assert.equal(app.status.health.status, 'Suspended');
    assert.match(app.status.health.message, /^once: job is stopped/);
  });

  test('a release whose deployment fails is rolled back by Nomad: Drover says so, ties the write to the deployment, and does not fight the rollback', async () => {
    await stack.nomad('/_sim/faults/allocations', { json: { job: 'web', image: 'nginx:broken' }, method: 'POST' });
    await stack.nomad('/_sim/faults/allocations', { json: { job: 'api', image: 'nginx:broken' }, method: 'POST' });
    stack.repo
      .write('svc/web.json', service('web', 'nginx:broken'))
      .write('heal/api.json', service('api', 'nginx:broken'))
      .commit('break web and api');
    await stack.refresh('svc');
    await stack.refresh('healing');

    // web was at version 1 (nginx:1.28) and api at version 0 (nginx:1.27) before the broken release.
    for (const [app, id, broken, stable, revert, image] of [
      ['svc', 'web', 2, 1, 3, 'nginx:1.28'],
      ['healing', 'api', 1, 0, 2, 'nginx:1.27'],
    ] as const) {
      const status = await waitFor(
        `${id} rolled back`,
        async () => {
          const { body } = await stack.api(`/api/v1/apps/${app}`);
          const failed = body.status.conditions.find((c: { type: string }) => c.type === 'DeploymentFailed');
          return failed && body.status.jobs[0].health?.status === 'Healthy' ? body.status : undefined;
        },
        20_000,
      );
      // Nomad runs the previous release again (a new version); git still asks for the broken one.
      assert.equal(status.sync.status, 'OutOfSync');
      const failed = status.conditions.find((c: { type: string }) => c.type === 'DeploymentFailed');
      assert.match(
        failed.message,
        new RegExp(
          `^default/${id}: deployment [0-9a-f]{8} of version ${broken} failed \\(.*rolling back to job version ${stable}\\); Nomad has since moved to version ${revert}`,
        ),
      );
      const { body: live } = await stack.nomad(`/v1/job/${id}`);
      assert.equal(live.Version, revert);
      assert.equal(live.TaskGroups[0].Tasks[0].Config.image, image);

      const { body: history } = await stack.api(`/api/v1/apps/${app}/history`);
      const write = history.history[0].jobs.find((j: { id: string }) => j.id === id);
      assert.equal(write.action, 'update');
      const { body: deployment } = await stack.nomad(`/v1/deployment/${write.deploymentId}`);
      assert.deepEqual([deployment.JobVersion, deployment.Status], [broken, 'failed']);
    }

    // With self_heal, the drift is not "healed" by registering the failed release again and again.
    await stack.refresh('healing');
    const { body: healing } = await stack.api('/api/v1/apps/healing');
    assert.match(
      healing.status.conditions.find((c: { type: string }) => c.type === 'DeploymentFailed').message,
      /not re-applied automatically until a commit changes it or a manual sync/,
    );
    assert.equal((await stack.nomad('/v1/job/api')).body.Version, 2);

    // A manual sync is the operator saying "try again".
    const { body: retried } = await stack.api('/api/v1/apps/healing/sync', { json: {} });
    assert.deepEqual(
      retried.run.jobs.map((j: { id: string; action: string }) => [j.id, j.action]),
      [['api', 'update']],
    );
    // The broken release is registered again as version 3 (which Nomad may already have rolled back again).
    const { body: versions } = await stack.nomad('/v1/job/api/versions');
    const v3 = versions.Versions.find((v: { Version: number }) => v.Version === 3);
    assert.equal(v3.TaskGroups[0].Tasks[0].Config.image, 'nginx:broken');
  });
});
