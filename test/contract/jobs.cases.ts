import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NomadAPIError } from '../../src/nomad/index.js';
import { serviceJob, type Target } from './target.js';

/** Job CRUD, versions, EnforceIndex and plan diffs. */
export function jobCases(target: () => Target): void {
  test('register fills the server defaults; an identical register keeps the version but creates an eval', async () => {
    const { nomad, name } = target();
    const id = name('defaults');
    const first = await nomad.jobs.register(serviceJob(id));
    assert.notEqual(first.EvalID, '');
    assert.ok(first.meta.lastIndex >= first.JobModifyIndex);
    const { job, meta } = await nomad.jobs.read(id);
    assert.ok(job);
    assert.equal(job.Name, id);
    assert.equal(job.Namespace, 'default');
    assert.equal(job.Priority, 50);
    assert.equal(job.NodePool, 'default');
    assert.equal(job.Version, 0);
    assert.equal(job.JobModifyIndex, first.JobModifyIndex);
    assert.equal(meta.lastIndex, job.ModifyIndex);
    assert.equal(meta.knownLeader, true);
    const group = job.TaskGroups![0]!;
    assert.deepEqual(group.RestartPolicy, {
      Attempts: 2,
      Interval: 1800e9,
      Delay: 15e9,
      Mode: 'fail',
      RenderTemplates: false,
    });
    assert.equal((group.Update as { MaxParallel: number }).MaxParallel, 1);
    const task = (group.Tasks as Array<Record<string, unknown>>)[0]!;
    assert.equal(task.KillTimeout, 5e9);
    assert.deepEqual((task.Identity as { Audience: string[] }).Audience, ['nomadproject.io']);

    const again = await nomad.jobs.register(serviceJob(id));
    assert.notEqual(again.EvalID, '');
    assert.notEqual(again.EvalID, first.EvalID);
    assert.equal(again.JobModifyIndex, first.JobModifyIndex, 'a no-op register answers the live JobModifyIndex');
    assert.equal((await nomad.jobs.read(id)).job?.Version, 0);
    await nomad.jobs.register(serviceJob(id, {}, 'nginx:1.28'));
    const changed = (await nomad.jobs.read(id)).job!;
    assert.equal(changed.Version, 1);
    assert.equal(changed.CreateIndex, job.CreateIndex);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test("EnforceIndex: a stale index, create-only on an existing job, and a missing job give Nomad's 500 conflicts", async () => {
    const { nomad, name } = target();
    const id = name('enforce');
    await nomad.jobs.register(serviceJob(id), { enforceIndex: 0 });
    const live = (await nomad.jobs.read(id)).job!;
    const stale = Number(live.JobModifyIndex) - 1;
    await assert.rejects(
      nomad.jobs.register(serviceJob(id, {}, 'nginx:2'), { enforceIndex: stale }),
      (error: NomadAPIError) => {
        assert.equal(error.statusCode, 500);
        assert.equal(error.isEnforceIndexConflict, true);
        assert.match(
          error.body,
          new RegExp(
            `Enforcing job modify index ${stale}: job exists with conflicting job modify index: ${String(live.JobModifyIndex)}`,
          ),
        );
        return true;
      },
    );
    await assert.rejects(
      nomad.jobs.register(serviceJob(id), { enforceIndex: 0 }),
      /Enforcing job modify index 0: job already exists/,
    );
    await assert.rejects(
      nomad.jobs.register(serviceJob(name('enforce-missing')), { enforceIndex: 5 }),
      /Enforcing job modify index 5: job does not exist/,
    );
    const ok = await nomad.jobs.register(serviceJob(id, {}, 'nginx:2'), { enforceIndex: Number(live.JobModifyIndex) });
    assert.ok(ok.JobModifyIndex > Number(live.JobModifyIndex));
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('PreserveCounts keeps the live group count on a changed job', async () => {
    const { nomad, name } = target();
    const id = name('preserve');
    await nomad.jobs.register(serviceJob(id, {}, 'nginx:1', 3));
    await nomad.jobs.register(serviceJob(id, {}, 'nginx:2', 1), { preserveCounts: true });
    const job = (await nomad.jobs.read(id)).job!;
    assert.deepEqual([job.Version, job.TaskGroups![0]!.Count], [1, 3]);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('list: prefix, meta=true adds Meta, filter, and children carry ParentID', async () => {
    const { nomad, name } = target();
    const id = name('listed');
    await nomad.jobs.register(serviceJob(id));
    const plain = await nomad.jobs.list({ prefix: id });
    assert.equal(plain.jobs.length, 1);
    assert.equal('Meta' in plain.jobs[0]!, false);
    assert.ok(plain.meta.lastIndex > 0);
    const withMeta = await nomad.jobs.list({ prefix: id, meta: true });
    assert.deepEqual(withMeta.jobs[0]!.Meta, { 'drover.app': 'contract' });
    assert.equal(withMeta.jobs[0]!.ParentID, '');
    assert.deepEqual((await nomad.jobs.list({ prefix: `${id}-nope` })).jobs, []);
    const filtered = await nomad.jobs.list({ filter: `ID == "${id}"` });
    assert.deepEqual(
      filtered.jobs.map((j) => j.ID),
      [id],
    );
    assert.ok((await nomad.jobs.list({ namespace: '*', prefix: id })).jobs.length === 1);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test("validation failures answer 500 in Nomad's multi-error style; validate reports them in the body", async () => {
    const { nomad, name } = target();
    const bad = { ID: name('invalid'), TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't', Config: {} }] }] };
    await assert.rejects(nomad.jobs.register(bad), (error: NomadAPIError) => {
      assert.equal(error.statusCode, 500);
      assert.match(error.body, /Task group g validation failed/);
      assert.match(error.body, /Missing task driver/);
      return true;
    });
    await assert.rejects(nomad.jobs.register({ ID: name('no-groups') }), /Missing job task groups/);
    const report = await nomad.jobs.validate(bad);
    assert.ok((report.ValidationErrors ?? []).some((e) => e.includes('Missing task driver')));
    const good = await nomad.jobs.validate(serviceJob(name('valid')));
    assert.equal((good.ValidationErrors ?? []).length, 0);
  });

  test('plan: Added for a new job, None when unchanged, Edited with annotations on changes', async () => {
    const { nomad, name } = target();
    const id = name('plan');
    const fresh = await nomad.jobs.plan(serviceJob(id));
    assert.equal(fresh.Diff?.Type, 'Added');
    assert.equal(fresh.JobModifyIndex, 0);
    assert.equal(fresh.Annotations?.DesiredTGUpdates?.web?.Place, 1);
    const registered = await nomad.jobs.register(serviceJob(id));
    const same = await nomad.jobs.plan(serviceJob(id));
    assert.equal(same.Diff?.Type, 'None');
    assert.equal(same.JobModifyIndex, registered.JobModifyIndex);
    assert.deepEqual(
      same.Diff?.TaskGroups?.map((g) => [g.Name, g.Type]),
      [['web', 'None']],
    );

    const scaled = await nomad.jobs.plan(serviceJob(id, {}, 'nginx:1.27', 3));
    const group = scaled.Diff!.TaskGroups![0]!;
    assert.equal(group.Type, 'Edited');
    const count = group.Fields!.find((f) => f.Name === 'Count')!;
    assert.deepEqual([count.Type, count.Old, count.New, count.Annotations], ['Edited', '1', '3', ['forces create']]);

    const image = await nomad.jobs.plan(serviceJob(id, {}, 'nginx:1.28'));
    const task = image.Diff!.TaskGroups![0]!.Tasks![0]!;
    assert.equal(task.Type, 'Edited');
    assert.deepEqual(task.Annotations, ['forces create/destroy update']);
    const config = task.Objects!.find((o) => o.Name === 'Config')!;
    assert.equal(config.Type, 'Edited');
    assert.deepEqual(
      config.Fields!.find((f) => f.Name === 'image'),
      { Type: 'Edited', Name: 'image', Old: 'nginx:1.27', New: 'nginx:1.28', Annotations: null },
    );
    assert.equal(image.Annotations?.DesiredTGUpdates?.web?.DestructiveUpdate, 1);
    assert.deepEqual(image.Diff!.TaskGroups![0]!.Updates, { 'create/destroy update': 1 });

    const meta = await nomad.jobs.plan(serviceJob(id, { Meta: { 'drover.app': 'contract', team: 'a' } }));
    assert.deepEqual(
      meta.Diff!.Fields!.map((f) => [f.Type, f.Name, f.New]),
      [['Added', 'Meta[team]', 'a']],
    );
    const noDiff = await nomad.jobs.plan(serviceJob(id, {}, 'nginx:1.28'), { diff: false });
    assert.equal(noDiff.Diff, null);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('versions keep six, newest first, with diffs; revert makes a new version; stable flips without one', async () => {
    const { nomad, name } = target();
    const id = name('versions');
    for (let i = 0; i < 8; i++) await nomad.jobs.register(serviceJob(id, {}, `nginx:1.${i}`));
    const { versions, diffs, meta } = await nomad.jobs.versions(id, { diffs: true });
    assert.deepEqual(
      versions.map((v) => v.Version),
      [7, 6, 5, 4, 3, 2],
    );
    assert.equal(diffs?.length, 5);
    assert.equal(diffs![0]!.Type, 'Edited');
    assert.ok(meta.lastIndex > 0);
    const reverted = await nomad.jobs.revert(id, 5, { enforcePriorVersion: 7 });
    assert.notEqual(reverted.EvalID, '');
    const now = (await nomad.jobs.read(id)).job!;
    assert.equal(now.Version, 8);
    assert.equal((now.TaskGroups![0]!.Tasks as Array<{ Config: { image: string } }>)[0]!.Config.image, 'nginx:1.5');
    await assert.rejects(nomad.jobs.revert(id, 8), (e: NomadAPIError) => e.statusCode === 500);
    await assert.rejects(
      nomad.jobs.revert(id, 2, { enforcePriorVersion: 3 }),
      (e: NomadAPIError) => e.statusCode === 500,
    );
    const before = (await nomad.jobs.read(id)).job!;
    await nomad.jobs.stable(id, 8, true);
    const after = (await nomad.jobs.read(id)).job!;
    assert.equal(after.Stable, true);
    assert.equal(after.Version, 8);
    assert.ok(Number(after.ModifyIndex) > Number(before.ModifyIndex));
    assert.equal(after.JobModifyIndex, before.JobModifyIndex);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('parse turns HCL into API JSON on the server, with the api defaults when asked', async () => {
    const { nomad, name } = target();
    const id = name('parsed');
    const hcl = `job "${id}" {\n  group "web" {\n    task "server" {\n      driver = "docker"\n      config { image = "nginx" }\n    }\n  }\n}\n`;
    const raw = await nomad.jobs.parse(hcl);
    assert.deepEqual([raw.ID, raw.Name, raw.Priority ?? null], [id, id, null]);
    const canonical = await nomad.jobs.parse(hcl, { canonicalize: true });
    assert.deepEqual([canonical.Priority, canonical.Region, canonical.Type], [50, 'global', 'service']);
    await assert.rejects(nomad.jobs.parse(''), /400/);
  });

  test('submission: the source sent with register is read back per version; none gives undefined', async () => {
    const { nomad, name } = target();
    const id = name('submission');
    const source = `job "${id}" {}`;
    await nomad.jobs.register(serviceJob(id), {
      submission: { Source: source, Format: 'hcl2', VariableFlags: { env: 'prod' }, Variables: 'x = 1' },
    });
    const { submission } = await nomad.jobs.submission(id, 0);
    assert.equal(submission?.Source, source);
    assert.equal(submission?.Format, 'hcl2');
    assert.deepEqual(submission?.VariableFlags, { env: 'prod' });
    assert.equal((await nomad.jobs.submission(id, 9)).submission, undefined);
    await nomad.jobs.deregister(id, { purge: true });
  });

  test('deregister stops (a new version, Stop=true), purge deletes, and a missing job answers 200 with an empty EvalID', async () => {
    const { nomad, name } = target();
    const id = name('stop');
    await nomad.jobs.register(serviceJob(id));
    const stop = await nomad.jobs.deregister(id);
    assert.notEqual(stop.EvalID, '');
    const stopped = (await nomad.jobs.read(id)).job!;
    assert.equal(stopped.Stop, true);
    assert.equal(stopped.Version, 1);
    await nomad.jobs.deregister(id, { purge: true });
    assert.equal((await nomad.jobs.read(id)).job, undefined);
    const gone = await nomad.jobs.deregister(id);
    assert.deepEqual([gone.EvalID, gone.JobModifyIndex], ['', 0]);
  });

  test('a missing job: read, summary and versions 404; allocations, evaluations, deployments [] and latest deployment null', async () => {
    const { nomad, name } = target();
    const id = name('missing');
    assert.equal((await nomad.jobs.read(id)).job, undefined);
    assert.equal((await nomad.jobs.summary(id)).summary, undefined);
    await assert.rejects(
      nomad.jobs.versions(id),
      (e: NomadAPIError) => e.statusCode === 404 && e.body === 'job versions not found',
    );
    assert.deepEqual((await nomad.jobs.allocations(id)).allocations, []);
    assert.deepEqual((await nomad.jobs.evaluations(id)).evaluations, []);
    assert.deepEqual((await nomad.jobs.deployments(id)).deployments, []);
    assert.equal((await nomad.jobs.latestDeployment(id)).deployment, null);
    const raw = await fetch(`${target().address}/v1/job/${id}`, { headers: tokenHeader(target()) });
    assert.equal(raw.status, 404);
    assert.equal(await raw.text(), 'job not found');
    assert.match(raw.headers.get('content-type') ?? '', /text\/plain/);
  });
}

function tokenHeader(target: Target): Record<string, string> {
  const token = process.env.NOMAD_TOKEN;
  return target.kind === 'nomad' && token ? { 'X-Nomad-Token': token } : {};
}
