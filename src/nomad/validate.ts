import type { NomadJob } from '../domain/job.js';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const JOB_TYPES = ['service', 'batch', 'system', 'sysbatch'];

/**
 * Nomad's `Job.Validate` for the fields Drover deals with, on an admitted job. Returns the
 * problems in Nomad's words; nested problems are wrapped the way Nomad wraps them
 * (`Task group web validation failed: ...`). Empty when the job is valid.
 */
export function validateJob(job: NomadJob): string[] {
  const errors: string[] = [];
  const j = job as Obj;
  if (!j.Region) errors.push('Missing job region');
  if (!j.ID) errors.push('Missing job ID');
  else if (/\s/.test(String(j.ID))) errors.push('Job ID contains a space');
  if (!j.Name) errors.push('Missing job name');
  if (!j.Namespace) errors.push('Job must be in a namespace');
  if (!JOB_TYPES.includes(String(j.Type))) errors.push(`Invalid job type: ${JSON.stringify(j.Type)}`);
  const priority = Number(j.Priority);
  if (!(priority >= 1 && priority <= 100)) errors.push('Job priority must be between [1, 100]');
  for (const dc of Array.isArray(j.Datacenters) ? j.Datacenters : [])
    if (dc === '') errors.push('Job datacenter must be non-empty string');
  const groups = Array.isArray(j.TaskGroups) ? j.TaskGroups.filter(isObj) : [];
  if (groups.length === 0) errors.push('Missing job task groups');
  const seen = new Map<string, number>();
  groups.forEach((group, index) => {
    const name = String(group.Name ?? '');
    const before = seen.get(name);
    if (before !== undefined) errors.push(`Job task group ${index + 1} redefines '${name}' from group ${before + 1}`);
    else seen.set(name, index);
    const problems = validateGroup(group, String(j.Type));
    if (problems.length > 0) errors.push(`Task group ${name} validation failed: ${formatMultiError(problems)}`);
  });
  return errors;
}

function validateGroup(group: Obj, type: string): string[] {
  const errors: string[] = [];
  if (!group.Name) errors.push('Missing task group name');
  if (typeof group.Count === 'number' && group.Count < 0) errors.push("Task group count can't be negative");
  if ((type === 'system' || type === 'sysbatch') && typeof group.Count === 'number' && group.Count > 1) {
    errors.push(
      `Job task group ${String(group.Name)} has count ${group.Count}. Count cannot exceed 1 with system scheduler`,
    );
  }
  const tasks = Array.isArray(group.Tasks) ? group.Tasks.filter(isObj) : [];
  if (tasks.length === 0) errors.push('Missing tasks for task group');
  if (!isObj(group.RestartPolicy)) errors.push(`Task Group ${String(group.Name)} should have a restart policy`);
  if (!isObj(group.EphemeralDisk)) errors.push(`Task Group ${String(group.Name)} should have an ephemeral disk object`);
  const seen = new Map<string, number>();
  tasks.forEach((task, index) => {
    const name = String(task.Name ?? '');
    const before = seen.get(name);
    if (before !== undefined) errors.push(`Task ${index + 1} redefines '${name}' from task ${before + 1}`);
    else seen.set(name, index);
    const problems = validateTask(task);
    if (problems.length > 0) errors.push(`Task ${name} validation failed: ${formatMultiError(problems)}`);
  });
  return errors;
}

function validateTask(task: Obj): string[] {
  const errors: string[] = [];
  if (!task.Name) errors.push('Missing task name');
  else if (String(task.Name).includes('/')) errors.push('Task name cannot include slashes');
  if (!task.Driver) errors.push('Missing task driver');
  if (typeof task.KillTimeout === 'number' && task.KillTimeout < 0) errors.push('KillTimeout must be a positive value');
  const resources = task.Resources;
  if (!isObj(resources)) errors.push('Missing task resources');
  else {
    const cores = Number(resources.Cores ?? 0);
    if (Number(resources.CPU ?? 0) < 1 && cores === 0)
      errors.push(`minimum CPU value is 1; got ${Number(resources.CPU ?? 0)}`);
    if (Number(resources.MemoryMB ?? 0) < 10)
      errors.push(`minimum MemoryMB value is 10; got ${Number(resources.MemoryMB ?? 0)}`);
  }
  if (!isObj(task.LogConfig)) errors.push('Missing Log Config');
  return errors;
}

/** go-multierror's list format, which Nomad's error texts use. */
export function formatMultiError(errors: string[]): string {
  if (errors.length === 1) return `1 error occurred:\n\t* ${errors[0]}\n\n`;
  return `${errors.length} errors occurred:\n\t${errors.map((e) => `* ${e}`).join('\n\t')}\n\n`;
}
