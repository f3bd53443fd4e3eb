import type { AppSpec, AppStatus, Condition } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import type { DesiredJob } from '../domain/job.js';
import type { ComparisonResult, JobComparison } from './compare.js';
import type { HealthReading } from './health-step.js';

/** The job meta key that puts a job in a sync wave (an integer; jobs without one are wave 0). */
export const WAVE_META_KEY = 'drover.wave';

/**
 * Each desired job's wave, keyed namespace/id: the app's `waves` map first, then the job's
 * `drover.wave` meta, else 0. A meta value that is not an integer fails the render, naming the file.
 */
export function jobWaves(app: AppSpec, desired: DesiredJob[]): Map<string, number> {
  const waves = new Map<string, number>();
  for (const job of desired) {
    const configured = app.waves?.[job.id];
    const meta = job.job.Meta?.[WAVE_META_KEY];
    let wave = 0;
    if (configured !== undefined) wave = configured;
    else if (meta !== undefined) {
      const text = String(meta).trim();
      if (!/^[+-]?\d{1,4}$/.test(text))
        throw new DroverError(
          'DROVER_ERR_RENDER',
          `${job.file}: job "${job.id}": meta "${WAVE_META_KEY}" = "${String(meta)}" is not an integer ` +
            '(write a whole number such as "0", "1" or "-1")',
        );
      wave = Number(text);
    }
    waves.set(`${job.namespace}/${job.id}`, wave);
  }
  return waves;
}

/** What the waves allow now: jobs of later waves held back, and why. */
export type WavePlan = {
  /** namespace/id -> why the job waits; empty when nothing waits. */
  hold: Map<string, string>;
  /** The `WaitingForWave` condition, when some job waits. */
  condition?: Condition;
};

const key = (job: JobComparison) => `${job.namespace}/${job.id}`;
const pending = (job: JobComparison) => job.status === 'OutOfSync' || job.status === 'Missing';

/**
 * Lower waves first: the first wave with jobs to write is written, and every later wave waits
 * until all of its jobs are Synced and Healthy. Jobs `held` for another reason (a failed
 * deployment) are not Synced, so the waves after them wait.
 */
export function planWaves(
  comparison: ComparisonResult,
  waves: Map<string, number>,
  health: Map<string, HealthReading>,
  held: Map<string, string> = new Map(),
): WavePlan {
  const jobs = comparison.jobs.filter((job) => job.desired && job.ownership !== 'foreign');
  const order = [...new Set(jobs.map((job) => waves.get(key(job)) ?? 0))].sort((a, b) => a - b);
  if (order.length < 2) return { hold: new Map() };
  for (const [index, wave] of order.entries()) {
    const inWave = jobs.filter((job) => (waves.get(key(job)) ?? 0) === wave);
    const toWrite = inWave.filter((job) => pending(job) && !held.has(key(job)));
    // Done means at git's version and Healthy: a job Nomad rolled back is healthy, but not done.
    const notDone = inWave.filter(
      (job) => job.status !== 'Synced' || health.get(key(job))?.health.status !== 'Healthy',
    );
    if (toWrite.length === 0 && notDone.length === 0) continue;
    const later = jobs.filter((job) => order.indexOf(waves.get(key(job)) ?? 0) > index && pending(job));
    if (later.length === 0) return { hold: new Map() };
    const blocking = (toWrite.length > 0 ? toWrite : notDone)
      .slice(0, 3)
      .map((job) => `${job.id} is ${toWrite.includes(job) ? 'not written yet' : stateWord(health, job)}`)
      .join(', ');
    const reason = `waits for wave ${wave} to be synced and healthy (${blocking})`;
    const hold = new Map(later.map((job) => [key(job), `wave ${waves.get(key(job)) ?? 0} ${reason}`]));
    const names = later.map((job) => job.id).join(', ');
    return { hold, condition: { type: 'WaitingForWave', message: `${names}: ${reason}` } };
  }
  return { hold: new Map() };
}

function stateWord(health: Map<string, HealthReading>, job: JobComparison): string {
  return job.status !== 'Synced' ? job.status : (health.get(key(job))?.health.status ?? 'Unknown');
}

/** Adds each job's wave to the status's job entries, when the app uses more than one wave. */
export function withWaves(status: AppStatus, waves: Map<string, number>): AppStatus {
  if (new Set(waves.values()).size < 2) return status;
  const jobs = status.jobs.map((job) => {
    const wave = waves.get(`${job.namespace}/${job.id}`);
    return wave === undefined ? job : { ...job, wave };
  });
  return { ...status, jobs };
}
