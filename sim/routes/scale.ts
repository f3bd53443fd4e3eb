import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Sim } from '../context.js';
import { blockingRead, field, jsonWrite, namespaceOf, readBody, readOptionalBody } from '../http.js';
import { isTerminalAlloc } from '../scheduler.js';
import { SimError, evalEvent, type StoredJob } from '../state.js';

type Obj = Record<string, unknown>;

/** `POST /v1/job/:id/evaluate`: a new evaluation of the job as it stands (TriggeredBy job-register). */
export async function evaluateJob(c: Context, sim: Sim, id: string): Promise<Response> {
  await readOptionalBody(c);
  const job = existingJob(c, sim, id);
  if (job.Periodic && (job.Periodic as Obj).Enabled !== false) throw new SimError(400, "can't evaluate periodic job");
  if (job.ParameterizedJob) throw new SimError(400, "can't evaluate parameterized job");
  let evalId = '';
  const index = sim.state.commit(['evals'], (at) => {
    const evaluation = sim.scheduler.createEval(job, 'job-register', at);
    evalId = evaluation.ID;
    return [evalEvent('EvaluationUpdated', evaluation)];
  });
  sim.scheduler.enqueue(evalId);
  const body = {
    EvalID: evalId,
    EvalCreateIndex: index,
    JobModifyIndex: job.JobModifyIndex,
    Warnings: '',
    Index: index,
  };
  return jsonWrite(c, { ...body, LastContact: 0, KnownLeader: false, NextToken: '' }, index);
}

/** `GET /v1/job/:id/scale`: desired, placed, running and healthy allocations per group. */
export function scaleStatus(c: Context, sim: Sim, id: string): Promise<Response> {
  return blockingRead(c, sim.state, () => {
    const job = existingJob(c, sim, id);
    const allocs = sim.state.allocsOf(job.Namespace, job.ID).filter((a) => !isTerminalAlloc(a));
    const groups: Record<string, Obj> = {};
    for (const group of (job.TaskGroups ?? []) as Obj[]) {
      const mine = allocs.filter((a) => a.TaskGroup === group.Name);
      groups[String(group.Name)] = {
        Desired: Number(group.Count ?? 0),
        Placed: mine.length,
        Running: mine.filter((a) => a.ClientStatus === 'running').length,
        Healthy: mine.filter((a) => a.DeploymentStatus?.Healthy === true).length,
        Unhealthy: mine.filter((a) => a.DeploymentStatus?.Healthy === false).length,
        Events: null,
      };
    }
    const body = {
      JobID: job.ID,
      Namespace: job.Namespace,
      JobCreateIndex: job.CreateIndex,
      JobModifyIndex: job.JobModifyIndex,
      JobStopped: job.Stop === true,
      TaskGroups: groups,
    };
    return { body, index: Math.max(job.ModifyIndex, sim.state.tableIndex('allocs')) };
  });
}

/** `POST /v1/job/:id/scale`: sets one group's count (within its scaling policy) as a new job version. */
export async function scaleJob(c: Context, sim: Sim, id: string): Promise<Response> {
  const body = await readBody(c);
  const job = existingJob(c, sim, id);
  const groupName = (field(body, 'Target') as Obj | undefined)?.Group;
  if (typeof groupName !== 'string' || groupName === '')
    throw new SimError(400, 'missing task group name for scaling action');
  const count = field(body, 'Count');
  const groups = structuredClone(job.TaskGroups ?? []) as Obj[];
  const group = groups.find((g) => g.Name === groupName);
  if (!group) throw new SimError(400, `task group "${groupName}" specified for scaling does not exist in job`);
  if (count === undefined || count === null) {
    // An event-only request (Count omitted) records nothing here: scaling events are not simulated.
    return jsonWrite(
      c,
      { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: job.JobModifyIndex, Index: sim.state.index },
      sim.state.index,
    );
  }
  if (typeof count !== 'number' || !Number.isInteger(count)) throw new SimError(400, 'Count must be an integer');
  if (count < 0) throw new SimError(400, "scaling action count can't be negative");
  const policy = group.Scaling as Obj | undefined;
  if (policy && typeof policy.Max === 'number' && count > policy.Max)
    throw new SimError(400, `group count was greater than scaling policy maximum: ${count} > ${policy.Max}`);
  if (policy && typeof policy.Min === 'number' && count < policy.Min)
    throw new SimError(400, `group count was less than scaling policy minimum: ${count} < ${policy.Min}`);
  group.Count = count;
  const result = sim.jobs.register(
    { ...job, TaskGroups: groups },
    { namespace: job.Namespace, triggeredBy: 'job-scaling' },
  );
  return jsonWrite(
    c,
    { ...result, LastContact: 0, KnownLeader: false, NextToken: '' },
    result.Index || sim.state.index,
  );
}

/** `/v1/scaling/policies` (with `job` and `type` filters) and `/v1/scaling/policy/:id`. */
export function scalingRoutes(app: Hono, sim: Sim): void {
  app.get('/v1/scaling/policies', (c) => {
    const job = c.req.query('job') ?? '';
    const type = c.req.query('type') ?? '';
    return blockingRead(c, sim.state, () => ({
      body: policies(sim, namespaceOf(c))
        .filter((p) => (job === '' || (p.Target as Obj).Job === job) && (type === '' || p.Type === type))
        .map(({ ID, Enabled, Type, Target, CreateIndex, ModifyIndex }) => ({
          ID,
          Enabled,
          Type,
          Target,
          CreateIndex,
          ModifyIndex,
        })),
      index: sim.state.tableIndex('jobs'),
    }));
  });
  app.get('/v1/scaling/policy/:id', (c) =>
    blockingRead(c, sim.state, () => {
      const policy = policies(sim, '*').find((p) => p.ID === c.req.param('id'));
      if (!policy) throw new SimError(404, 'policy not found');
      return { body: policy, index: Number(policy.ModifyIndex) };
    }),
  );
}

/** Every group scaling policy of the live jobs (`*`: all namespaces). IDs are stable per job and group. */
function policies(sim: Sim, namespace: string): Obj[] {
  const out: Obj[] = [];
  for (const job of sim.state.jobs.values()) {
    if (namespace !== '*' && job.Namespace !== namespace) continue;
    for (const group of (job.TaskGroups ?? []) as Obj[]) {
      const scaling = group.Scaling as Obj | undefined;
      if (!scaling) continue;
      out.push(policyOf(job, String(group.Name), scaling));
    }
  }
  return out;
}

function policyOf(job: StoredJob, group: string, scaling: Obj): Obj {
  const hex = createHash('sha256').update(`${job.Namespace}\0${job.ID}\0${group}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return {
    ID: typeof scaling.ID === 'string' && scaling.ID !== '' ? scaling.ID : id,
    Namespace: job.Namespace,
    Type: scaling.Type ?? 'horizontal',
    Target: { Namespace: job.Namespace, Job: job.ID, Group: group },
    Min: scaling.Min ?? null,
    Max: scaling.Max ?? null,
    Policy: scaling.Policy ?? null,
    Enabled: scaling.Enabled ?? true,
    CreateIndex: job.CreateIndex,
    ModifyIndex: job.JobModifyIndex,
  };
}

function existingJob(c: Context, sim: Sim, id: string): StoredJob {
  const job = sim.state.getJob(namespaceOf(c), id);
  if (!job) throw new SimError(404, 'job not found');
  return job;
}
