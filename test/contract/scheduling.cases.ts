import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NomadJob } from '../../src/domain/job.js';
import { control, serviceJob, until, type Target } from './target.js';

const needsSim = (target: Target) =>
  target.kind === 'sim' ? false : "needs jobs that can run and the simulator's fault injection";

/** Evaluations, allocations, deployments, summaries and job status as the scheduler moves them. */
export function schedulingCases(target: () => Target): void {
  test('a service job: eval completes, allocations run, the deployment succeeds and the version becomes Stable', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const id = name('deploy');
    const registered = await nomad.jobs.register(serviceJob(id, {}, 'nginx:1.27', 2));
    const deployment = await until('a successful deployment', async () => {
      const { deployment: d } = await nomad.jobs.latestDeployment(id);
      return d?.Status === 'successful' ? d : undefined;
    });
    assert.equal(deployment.JobVersion, 0);
    assert.equal(deployment.TaskGroups.web!.DesiredTotal, 2);
    assert.equal(deployment.TaskGroups.web!.HealthyAllocs, 2);
    assert.equal(deployment.StatusDescription, 'Deployment completed successfully');
    const job = (await nomad.jobs.read(id)).job!;
    assert.equal(job.Stable, true);
    assert.equal(job.Status, 'running');
    assert.equal(deployment.JobCreateIndex, job.CreateIndex);
    const { evaluations } = await nomad.jobs.evaluations(id);
    const first = evaluations.find((e) => e.ID === registered.EvalID)!;
    assert.deepEqual([first.Status, first.TriggeredBy, first.Type], ['complete', 'job-register', 'service']);
    const { allocations } = await nomad.jobs.allocations(id);
    assert.equal(allocations.length, 2);
    for (const alloc of allocations) {
      assert.deepEqual(
        [alloc.ClientStatus, alloc.DesiredStatus, alloc.JobVersion, alloc.TaskGroup],
        ['running', 'run', 0, 'web'],
      );
      assert.match(alloc.Name, new RegExp(`^${id}\\.web\\[\\d\\]$`));
      assert.equal(alloc.TaskStates?.server?.State, 'running');
      assert.equal(alloc.DeploymentStatus?.Healthy, true);
    }
    const { summary } = await nomad.jobs.summary(id);
    assert.equal(summary?.Summary.web?.Running, 2);
    assert.deepEqual((await nomad.deployments.info(deployment.ID)).deployment.ID, deployment.ID);
    assert.equal((await nomad.deployments.allocations(deployment.ID)).allocations.length, 2);
    assert.ok((await nomad.deployments.list()).deployments.some((d) => d.ID === deployment.ID));
    const alloc = (await nomad.allocations.info(allocations[0]!.ID)).allocation;
    assert.equal((alloc.Job as NomadJob | null)?.ID, id);
    assert.ok(
      (await nomad.allocations.list({ prefix: alloc.ID.slice(0, 8) })).allocations.some((a) => a.ID === alloc.ID),
    );
    assert.equal((await nomad.evaluations.info(registered.EvalID)).evaluation.JobID, id);
    assert.equal((await nomad.evaluations.allocations(registered.EvalID)).allocations.length, 2);
    assert.ok((await nomad.evaluations.list()).evaluations.some((e) => e.ID === registered.EvalID));

    const rolling = await nomad.jobs.plan(serviceJob(id, {}, 'nginx:1.28', 2));
    assert.deepEqual(
      rolling.Diff!.TaskGroups![0]!.Updates,
      { ignore: 1, 'create/destroy update': 1 },
      'max_parallel 1 replaces one at a time',
    );
    await nomad.jobs.register(serviceJob(id, {}, 'nginx:1.28', 2));
    const midway = await until('the rollout in progress', async () => {
      const versions = (await nomad.jobs.allocations(id)).allocations
        .filter((a) => a.DesiredStatus === 'run')
        .map((a) => a.JobVersion);
      return versions.includes(1) ? versions : undefined;
    });
    assert.deepEqual(midway.sort(), [0, 1], 'one old allocation keeps running while the first new one starts');
    const second = await until('the second deployment', async () => {
      const { deployments } = await nomad.jobs.deployments(id);
      return deployments.length === 2 && deployments[0]!.Status === 'successful' ? deployments : undefined;
    });
    assert.equal(second[0]!.JobVersion, 1, 'deployments are newest first');
    const live = (await nomad.jobs.allocations(id)).allocations.filter((a) => a.ClientStatus === 'running');
    assert.deepEqual(
      live.map((a) => a.JobVersion),
      [1, 1],
    );
    await nomad.jobs.deregister(id);
    await until('a dead job', async () => (await nomad.jobs.read(id)).job?.Status === 'dead');
    assert.ok((await nomad.jobs.allocations(id)).allocations.every((a) => a.DesiredStatus === 'stop'));
  });

  test('failing allocations fail the deployment, and auto_revert registers the last stable version again', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const id = name('revert');
    const update = { MaxParallel: 1, AutoRevert: true };
    const job = (image: string) => serviceJob(id, { Update: update }, image);
    await nomad.jobs.register(job('nginx:1'));
    await until('a stable v0', async () => (await nomad.jobs.read(id)).job?.Stable === true);
    await control(target(), '/faults/allocations', { job: id, task: 'server' });
    await nomad.jobs.register(job('nginx:broken'));
    const failed = await until('a failed deployment', async () =>
      (await nomad.jobs.deployments(id)).deployments.find((d) => d.JobVersion === 1 && d.Status === 'failed'),
    );
    assert.equal(failed.StatusDescription, 'Failed due to unhealthy allocations - rolling back to job version 0');
    const reverted = await until('the reverted version', async () => {
      const current = (await nomad.jobs.read(id)).job;
      return current?.Version === 2 ? current : undefined;
    });
    assert.equal((reverted.TaskGroups![0]!.Tasks as Array<{ Config: { image: string } }>)[0]!.Config.image, 'nginx:1');
    const failedAlloc = (await nomad.jobs.allocations(id)).allocations.find((a) => a.ClientStatus === 'failed')!;
    assert.equal(failedAlloc.TaskStates?.server?.Failed, true);
    await fetch(`${target().address}/_sim/faults`, { method: 'DELETE' });
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('a version registered while the previous one is still starting and then failing is rolled out in full', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const id = name('replace-failing');
    const job = (image: string) => serviceJob(id, { Update: { MaxParallel: 1, AutoRevert: true } }, image, 2);
    await control(target(), '/faults/allocations', { job: id, image: 'nginx:broken' });
    // v1 arrives before v0's allocations start: max_parallel stops one of them, and the other then
    // fails. The deployment watcher must still place its replacement, or v1 never becomes stable.
    await nomad.jobs.register(job('nginx:broken'));
    await nomad.jobs.register(job('nginx:1'));
    const deployment = await until('a successful v1 deployment', async () => {
      const { deployment: d } = await nomad.jobs.latestDeployment(id);
      return d?.JobVersion === 1 && d.Status === 'successful' ? d : undefined;
    });
    assert.equal(deployment.TaskGroups.web!.HealthyAllocs, 2);
    assert.equal((await nomad.jobs.read(id)).job?.Stable, true);
    const running = (await nomad.jobs.allocations(id)).allocations.filter((a) => a.ClientStatus === 'running');
    assert.deepEqual(
      running.map((a) => a.JobVersion),
      [1, 1],
    );
    await fetch(`${target().address}/_sim/faults`, { method: 'DELETE' });
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('canaries wait for promotion; promote replaces the old allocations and the deployment succeeds', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const id = name('canary');
    const job = (image: string) => serviceJob(id, { Update: { MaxParallel: 1, Canary: 1 } }, image, 2);
    await nomad.jobs.register(job('nginx:1'));
    await until('v0 deployed', async () => (await nomad.jobs.latestDeployment(id)).deployment?.Status === 'successful');
    await nomad.jobs.register(job('nginx:2'));
    const waiting = await until('a healthy canary', async () => {
      const { deployment } = await nomad.jobs.latestDeployment(id);
      return deployment?.JobVersion === 1 && deployment.TaskGroups.web!.HealthyAllocs === 1 ? deployment : undefined;
    });
    assert.equal(waiting.Status, 'running');
    assert.equal(waiting.TaskGroups.web!.DesiredCanaries, 1);
    assert.equal(waiting.TaskGroups.web!.PlacedCanaries?.length, 1);
    assert.equal(waiting.StatusDescription, 'Deployment is running but requires manual promotion');
    const running = (await nomad.jobs.allocations(id)).allocations.filter((a) => a.ClientStatus === 'running');
    assert.deepEqual(running.map((a) => a.JobVersion).sort(), [0, 0, 1]);
    await nomad.deployments.promote(waiting.ID);
    await until(
      'a promoted, successful deployment',
      async () => (await nomad.deployments.info(waiting.ID)).deployment.Status === 'successful',
    );
    const after = (await nomad.jobs.allocations(id)).allocations.filter((a) => a.ClientStatus === 'running');
    assert.deepEqual(
      after.map((a) => a.JobVersion),
      [1, 1],
    );
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('failing a running deployment by hand auto-reverts to the stable version', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const id = name('manual-fail');
    const job = (image: string) => serviceJob(id, { Update: { MaxParallel: 1, Canary: 1, AutoRevert: true } }, image);
    await nomad.jobs.register(job('nginx:1'));
    await until('v0 stable', async () => (await nomad.jobs.read(id)).job?.Stable === true);
    await nomad.jobs.register(job('nginx:2'));
    const waiting = await until('a deployment waiting for promotion', async () => {
      const { deployment } = await nomad.jobs.latestDeployment(id);
      return deployment?.JobVersion === 1 && deployment.TaskGroups.web!.HealthyAllocs === 1 ? deployment : undefined;
    });
    await nomad.deployments.fail(waiting.ID);
    const failed = (await nomad.deployments.info(waiting.ID)).deployment;
    assert.deepEqual(
      [failed.Status, failed.StatusDescription],
      ['failed', 'Deployment marked as failed - rolling back to job version 0'],
    );
    await until("the revert to v0's spec", async () => (await nomad.jobs.read(id)).job?.Version === 2);
    await assert.rejects(nomad.deployments.fail(waiting.ID), /500/);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('batch jobs complete; system jobs run once on every node', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const batch = name('batch');
    await nomad.jobs.register(serviceJob(batch, { Type: 'batch' }, 'busybox', 2));
    const done = await until('a dead batch job', async () => {
      const job = (await nomad.jobs.read(batch)).job;
      return job?.Status === 'dead' ? job : undefined;
    });
    assert.equal(done.Stop, false);
    assert.equal((await nomad.jobs.summary(batch)).summary?.Summary.web?.Complete, 2);
    assert.equal((await nomad.jobs.latestDeployment(batch)).deployment, null);
    const system = name('system');
    await nomad.jobs.register(serviceJob(system, { Type: 'system' }));
    const allocs = await until('system allocations', async () => {
      const { allocations } = await nomad.jobs.allocations(system);
      return allocations.length === 2 && allocations.every((a) => a.ClientStatus === 'running')
        ? allocations
        : undefined;
    });
    assert.equal(new Set(allocs.map((a) => a.NodeID)).size, 2);
    assert.equal((await nomad.jobs.read(system)).job?.Status, 'running');
    await nomad.jobs.deregister(batch, { purge: true });
    await nomad.jobs.deregister(system, { purge: true });
  });

  test('periodic and parameterized parents get no eval; force and dispatch launch children with ParentID', async (t) => {
    if (needsSim(target())) return t.skip(String(needsSim(target())));
    const { nomad, name } = target();
    const periodic = name('cron');
    const registered = await nomad.jobs.register(
      serviceJob(periodic, { Type: 'batch', Periodic: { Spec: '*/5 * * * *', SpecType: 'cron' } }),
    );
    assert.equal(registered.EvalID, '');
    const parent = (await nomad.jobs.read(periodic)).job!;
    assert.equal(parent.Status, 'running');
    assert.deepEqual(parent.Periodic, {
      Spec: '*/5 * * * *',
      SpecType: 'cron',
      Enabled: true,
      ProhibitOverlap: false,
      TimeZone: 'UTC',
    });
    const forced = await nomad.jobs.periodicForce(periodic);
    assert.notEqual(forced.EvalID, '');
    const children = (await nomad.jobs.list({ prefix: `${periodic}/periodic-` })).jobs;
    assert.equal(children.length, 1);
    assert.equal(children[0]!.ParentID, periodic);
    await until('the child to finish', async () => (await nomad.jobs.summary(periodic)).summary?.Children?.Dead === 1);

    const param = name('param');
    await nomad.jobs.register(
      serviceJob(param, { Type: 'batch', ParameterizedJob: { Payload: 'optional', MetaRequired: ['who'] } }),
    );
    await assert.rejects(nomad.jobs.dispatch(param, {}), /required meta keys/);
    const dispatched = await nomad.jobs.dispatch(param, {
      meta: { who: 'me' },
      payload: new TextEncoder().encode('hi'),
    });
    assert.match(dispatched.DispatchedJobID, new RegExp(`^${param}/dispatch-\\d+-[0-9a-f]{8}$`));
    const child = (await nomad.jobs.read(dispatched.DispatchedJobID)).job!;
    assert.deepEqual(
      [child.ParentID, child.Dispatched, child.Payload, (child.Meta as Record<string, string>).who],
      [param, true, Buffer.from('hi').toString('base64'), 'me'],
    );
    await nomad.jobs.deregister(periodic, { purge: true });
    await nomad.jobs.deregister(param, { purge: true });
  });

  test('blocking queries: a read with index waits until the job changes, and returns unchanged when wait runs out', async () => {
    const { nomad, name } = target();
    const id = name('blocking');
    // A periodic parent: no evaluation, so nothing but our own writes moves its index.
    const job = (priority: number) =>
      serviceJob(id, { Type: 'batch', Priority: priority, Periodic: { Spec: '0 0 1 1 *', SpecType: 'cron' } });
    await nomad.jobs.register(job(50));
    const { meta } = await nomad.jobs.read(id);
    const timedOut = await nomad.jobs.read(id, { index: meta.lastIndex + 1000, wait: '50ms' });
    assert.equal(timedOut.meta.lastIndex, meta.lastIndex, 'an unchanged answer after the wait');
    const waiting = nomad.jobs.read(id, { index: meta.lastIndex, wait: '30s' });
    const listWait = nomad.jobs.list({ index: (await nomad.jobs.list()).meta.lastIndex, wait: '30s' });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'the blocking read is still waiting before any write');
    await nomad.jobs.register(job(60));
    const woken = await waiting;
    assert.ok(woken.meta.lastIndex > meta.lastIndex);
    assert.equal(woken.job?.Priority, 60);
    assert.ok((await listWait).meta.lastIndex > meta.lastIndex);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('blocking queries: a read of a missing job blocks on the jobs index and answers once the job exists', async () => {
    const { nomad, name } = target();
    const id = name('appears');
    const missing = await nomad.jobs.read(id);
    assert.equal(missing.job, undefined);
    assert.ok(missing.meta.lastIndex > 0, 'a 404 still reports the jobs table index');
    const waiting = nomad.jobs.read(id, { index: missing.meta.lastIndex, wait: '30s' });
    await nomad.jobs.register(serviceJob(id, { Type: 'batch', Periodic: { Spec: '0 0 1 1 *', SpecType: 'cron' } }));
    assert.equal((await waiting).job?.ID, id);
    await nomad.jobs.deregister(id, { purge: true });
  });
}
