import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceJob, until, type Target } from './target.js';

/** Field names from Nomad's API docs (reference §2 and §5): every one must be present, spelled exactly. */
const KEYS = {
  job: [
    'Region',
    'Namespace',
    'ID',
    'Name',
    'Type',
    'Priority',
    'AllAtOnce',
    'Datacenters',
    'NodePool',
    'TaskGroups',
    'Update',
    'Meta',
    'Stop',
    'ParentID',
    'Status',
    'StatusDescription',
    'Stable',
    'Version',
    'SubmitTime',
    'CreateIndex',
    'ModifyIndex',
    'JobModifyIndex',
  ],
  listStub: [
    'ID',
    'ParentID',
    'Name',
    'Namespace',
    'Datacenters',
    'NodePool',
    'Type',
    'Priority',
    'Periodic',
    'ParameterizedJob',
    'Stop',
    'Status',
    'StatusDescription',
    'JobSummary',
    'CreateIndex',
    'ModifyIndex',
    'JobModifyIndex',
    'SubmitTime',
  ],
  allocStub: [
    'ID',
    'EvalID',
    'Name',
    'Namespace',
    'NodeID',
    'NodeName',
    'JobID',
    'JobType',
    'JobVersion',
    'TaskGroup',
    'DesiredStatus',
    'DesiredDescription',
    'ClientStatus',
    'ClientDescription',
    'TaskStates',
    'DeploymentStatus',
    'NextAllocation',
    'CreateIndex',
    'ModifyIndex',
    'CreateTime',
    'ModifyTime',
  ],
  evaluation: [
    'ID',
    'Namespace',
    'Priority',
    'Type',
    'TriggeredBy',
    'JobID',
    'JobModifyIndex',
    'DeploymentID',
    'Status',
    'StatusDescription',
    'NextEval',
    'PreviousEval',
    'BlockedEval',
    'FailedTGAllocs',
    'QueuedAllocations',
    'CreateIndex',
    'ModifyIndex',
    'CreateTime',
    'ModifyTime',
  ],
  deployment: [
    'ID',
    'Namespace',
    'JobID',
    'JobVersion',
    'JobModifyIndex',
    'JobSpecModifyIndex',
    'JobCreateIndex',
    'IsMultiregion',
    'TaskGroups',
    'Status',
    'StatusDescription',
    'EvalPriority',
    'CreateIndex',
    'ModifyIndex',
    'CreateTime',
    'ModifyTime',
  ],
  deploymentGroup: [
    'AutoRevert',
    'AutoPromote',
    'ProgressDeadline',
    'RequireProgressBy',
    'Promoted',
    'PlacedCanaries',
    'DesiredCanaries',
    'DesiredTotal',
    'PlacedAllocs',
    'HealthyAllocs',
    'UnhealthyAllocs',
  ],
  plan: ['JobModifyIndex', 'CreatedEvals', 'Diff', 'Annotations', 'FailedTGAllocs', 'NextPeriodicLaunch', 'Warnings'],
  summary: ['JobID', 'Namespace', 'Summary', 'Children', 'CreateIndex', 'ModifyIndex'],
  groupSummary: ['Queued', 'Complete', 'Failed', 'Running', 'Starting', 'Lost', 'Unknown'],
  register: ['EvalID', 'EvalCreateIndex', 'JobModifyIndex', 'Warnings'],
};

function hasKeys(what: string, value: unknown, keys: string[]): void {
  assert.ok(value && typeof value === 'object', `${what} is an object`);
  const missing = keys.filter((key) => !(key in (value as object)));
  assert.deepEqual(missing, [], `${what} lacks ${missing.join(', ')}`);
}

/** JSON shapes: jobs, list stubs, allocations, evaluations, deployments, summaries and plans use Nomad's field names. */
export function shapeCases(target: () => Target): void {
  test("jobs, allocations, evaluations, deployments, summaries and plans carry Nomad's field names", async () => {
    const { nomad, name, address } = target();
    const id = name('shapes');
    const headers: Record<string, string> =
      process.env.NOMAD_TOKEN && target().kind === 'nomad' ? { 'X-Nomad-Token': process.env.NOMAD_TOKEN } : {};
    const raw = await fetch(`${address}/v1/job/${id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ Job: serviceJob(id) }),
    });
    hasKeys('register response', await raw.json(), KEYS.register);
    hasKeys('job', (await nomad.jobs.read(id)).job, KEYS.job);
    hasKeys('job list stub', (await nomad.jobs.list({ prefix: id })).jobs[0], KEYS.listStub);
    // Allocations and deployments need a job that can run: the simulator's always do.
    if (target().kind === 'sim') {
      const deployment = await until(
        'a deployment',
        async () => (await nomad.jobs.latestDeployment(id)).deployment ?? undefined,
      );
      hasKeys('deployment', deployment, KEYS.deployment);
      hasKeys('deployment group', deployment.TaskGroups.web, KEYS.deploymentGroup);
      hasKeys(
        'allocation stub',
        await until('an allocation', async () => (await nomad.jobs.allocations(id)).allocations[0]),
        KEYS.allocStub,
      );
    }
    hasKeys('evaluation', (await nomad.jobs.evaluations(id)).evaluations[0], KEYS.evaluation);
    const { summary } = await nomad.jobs.summary(id);
    hasKeys('summary', summary, KEYS.summary);
    hasKeys('group summary', summary?.Summary.web, KEYS.groupSummary);
    const plan = await nomad.jobs.plan(serviceJob(id, {}, 'nginx:2'));
    hasKeys('plan', plan, KEYS.plan);
    hasKeys('job diff', plan.Diff, ['Type', 'ID', 'Fields', 'Objects', 'TaskGroups']);
    hasKeys('group diff', plan.Diff?.TaskGroups?.[0], ['Type', 'Name', 'Fields', 'Objects', 'Tasks', 'Updates']);
    hasKeys('task diff', plan.Diff?.TaskGroups?.[0]?.Tasks?.[0], ['Type', 'Name', 'Fields', 'Objects', 'Annotations']);
    hasKeys('desired updates', plan.Annotations?.DesiredTGUpdates?.web, [
      'Ignore',
      'Place',
      'Migrate',
      'Stop',
      'InPlaceUpdate',
      'DestructiveUpdate',
      'Canary',
      'Preemptions',
    ]);
    await nomad.jobs.deregister(id, { purge: true });
  });
}
