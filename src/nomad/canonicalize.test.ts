/* eslint-disable @typescript-eslint/no-explicit-any -- the tests index deep into untyped job JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeJob } from './canonicalize.js';

const S = 1e9;
const minimal = (type?: string) => ({
  ID: 'web',
  ...(type ? { Type: type } : {}),
  TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't', Driver: 'docker' }] }],
});

test('job-level defaults match api.Job.Canonicalize', () => {
  const job = canonicalizeJob(minimal());
  assert.deepEqual(
    [
      job.Name,
      job.Namespace,
      job.Region,
      job.Priority,
      job.Type,
      job.NodePool,
      job.AllAtOnce,
      job.Stop,
      job.ParentID,
      job.Version,
    ],
    ['web', 'default', 'global', 50, 'service', '', false, false, '', 0],
  );
  assert.deepEqual(job.Update, {
    Stagger: 30 * S,
    MaxParallel: 1,
    HealthCheck: 'checks',
    MinHealthyTime: 10 * S,
    HealthyDeadline: 300 * S,
    ProgressDeadline: 600 * S,
    Canary: 0,
    AutoRevert: false,
    AutoPromote: false,
  });
  assert.equal(canonicalizeJob(minimal('batch')).Update, undefined, 'batch jobs get no update block');
});

test('groups inherit the job update, reschedule and migrate, and get type-specific restart defaults', () => {
  const job = canonicalizeJob({
    ...minimal(),
    Update: { MaxParallel: 2 },
    Reschedule: { Attempts: 5 },
    TaskGroups: [
      { Name: 'g', Update: { Canary: 1 }, Tasks: [{ Name: 't', Driver: 'docker', RestartPolicy: { Attempts: 9 } }] },
    ],
  });
  const group = job.TaskGroups![0]!;
  assert.equal(group.Count, 1);
  assert.deepEqual(group.EphemeralDisk, { Sticky: false, Migrate: false, SizeMB: 300 });
  assert.deepEqual(
    [
      (group.Update as Record<string, unknown>).MaxParallel,
      (group.Update as Record<string, unknown>).Canary,
      (group.Update as Record<string, unknown>).Stagger,
    ],
    [2, 1, 30 * S],
  );
  assert.deepEqual(group.ReschedulePolicy, {
    Attempts: 5,
    Interval: 0,
    Delay: 30 * S,
    DelayFunction: 'exponential',
    MaxDelay: 3600 * S,
    Unlimited: true,
  });
  assert.deepEqual(group.Migrate, {
    MaxParallel: 1,
    HealthCheck: 'checks',
    MinHealthyTime: 10 * S,
    HealthyDeadline: 300 * S,
  });
  assert.deepEqual(group.RestartPolicy, {
    Attempts: 2,
    Interval: 1800 * S,
    Delay: 15 * S,
    Mode: 'fail',
    RenderTemplates: false,
  });
  const task = (group.Tasks as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(task.RestartPolicy, {
    Attempts: 9,
    Interval: 1800 * S,
    Delay: 15 * S,
    Mode: 'fail',
    RenderTemplates: false,
  });
  assert.deepEqual(task.Resources, { Cores: 0, CPU: 100, MemoryMB: 300 });
  assert.deepEqual(task.LogConfig, { MaxFiles: 10, MaxFileSizeMB: 10, Disabled: false });
  assert.equal(task.KillTimeout, 5 * S);
  assert.equal(task.Lifecycle, null);
  const batch = canonicalizeJob(minimal('batch')).TaskGroups![0]!;
  assert.deepEqual(batch.RestartPolicy, {
    Attempts: 3,
    Interval: 24 * 3600 * S,
    Delay: 15 * S,
    Mode: 'fail',
    RenderTemplates: false,
  });
  assert.deepEqual(batch.ReschedulePolicy, {
    Attempts: 1,
    Interval: 24 * 3600 * S,
    Delay: 5 * S,
    DelayFunction: 'constant',
    MaxDelay: 0,
    Unlimited: false,
  });
  assert.equal(batch.Migrate, undefined);
  assert.equal(canonicalizeJob(minimal('system')).TaskGroups![0]!.ReschedulePolicy, undefined);
});

test('count comes from scaling.min; cores zero the CPU default; templates, artifacts, services and periodic get defaults', () => {
  const job = canonicalizeJob({
    ID: 'j',
    Periodic: { Spec: '* * * * *' },
    TaskGroups: [
      {
        Name: 'g',
        Scaling: { Min: 3, Max: 5 },
        Services: [{ PortLabel: 'http' }],
        Tasks: [
          {
            Name: 't',
            Driver: 'exec',
            Resources: { Cores: 2 },
            Templates: [{ ChangeMode: 'signal' }, { ChangeSignal: 'sigusr1' }],
            Artifacts: [{ GetterSource: 'https://x/y/app.tgz', GetterMode: 'file' }, { GetterSource: 'https://x/z' }],
            Services: [{}],
          },
        ],
      },
    ],
  });
  const group = job.TaskGroups![0]!;
  assert.equal(group.Count, 3);
  const task = (group.Tasks as Array<Record<string, any>>)[0]!;
  assert.deepEqual(task.Resources, { Cores: 2, CPU: 0, MemoryMB: 300 });
  assert.equal(task.Templates[0].ChangeSignal, 'SIGHUP');
  assert.equal(task.Templates[1].ChangeSignal, 'SIGUSR1');
  assert.deepEqual(
    [task.Templates[1].Splay, task.Templates[1].Perms, task.Templates[1].LeftDelim],
    [5 * S, '0644', '{{'],
  );
  assert.deepEqual(
    task.Artifacts.map((a: Record<string, unknown>) => a.RelativeDest),
    ['local/app.tgz', 'local/'],
  );
  assert.deepEqual(
    (group.Services as Array<Record<string, unknown>>).map((s) => [s.Name, s.AddressMode, s.OnUpdate, s.Provider]),
    [['j-g', 'auto', 'require_healthy', 'consul']],
  );
  assert.equal(task.Services[0].Name, 'j-g-t');
  assert.deepEqual(job.Periodic, {
    Spec: '* * * * *',
    Enabled: true,
    SpecType: 'cron',
    ProhibitOverlap: false,
    TimeZone: 'UTC',
  });
});

test('canonicalize is pure and idempotent', () => {
  const input = minimal();
  const snapshot = structuredClone(input);
  const once = canonicalizeJob(input);
  assert.deepEqual(input, snapshot);
  assert.deepEqual(canonicalizeJob(once), once);
});
