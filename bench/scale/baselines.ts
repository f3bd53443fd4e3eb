// The same work done the ways Drover is compared with, measured in the same run so that every
// figure is a ratio that holds on a noisy machine.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Snapshot } from '../../src/domain/commit.js';
import { mapLimit } from '../../src/reconcile/limit.js';
import { renderSnapshot } from '../../src/render/render.js';
import type { World } from './fixture.js';

/** Terraform's default parallelism, and what a `nomad job run` loop in CI would use at best. */
const CI_PARALLELISM = 10;

function snapshotOf(files: Iterable<{ app: number; job: number; source: string }>): Snapshot {
  const map = new Map<string, Buffer>();
  for (const f of files) map.set(`apps/${f.app}/j${f.job}.nomad.hcl`, Buffer.from(f.source));
  const commit = { sha: 'ci', author: '', authorEmail: '', date: '', subject: '' };
  return { repoURL: 'ci', revision: 'ci', commit, files: map };
}

/**
 * A CI pipeline's way: on each commit, render every job file and register every job (as a
 * `nomad job run` loop or Terraform's nomad_job resources do), against its own simulator.
 */
export async function ciPipeline(
  world: World,
  nomad: string,
): Promise<{ ms: number; renderMs: number; writes: number }> {
  const started = performance.now();
  const result = renderSnapshot(snapshotOf(world.files()), { defaultNamespace: 'default' });
  if (result.issues.length > 0) throw new Error(`CI baseline: ${result.issues[0]!.message}`);
  const renderMs = performance.now() - started;
  await mapLimit(result.jobs, CI_PARALLELISM, async (job) => {
    const answer = await fetch(`${nomad}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: job.job }) });
    if (!answer.ok) throw new Error(`CI baseline: register ${job.id}: ${answer.status} ${await answer.text()}`);
    await answer.arrayBuffer();
  });
  return { ms: performance.now() - started, renderMs, writes: result.jobs.length };
}

/** Render throughput of this scenario's files in this process: the first pass (cold) and the best later one (warm). */
export function renderThroughput(world: World): { coldPerS: number; warmPerS: number } {
  const snap = snapshotOf(world.files());
  const pass = () => {
    const t0 = performance.now();
    renderSnapshot(snap, { defaultNamespace: 'default' });
    return performance.now() - t0;
  };
  const cold = pass();
  const warm = Math.min(pass(), pass(), pass());
  return { coldPerS: snap.files.size / (cold / 1000), warmPerS: snap.files.size / (warm / 1000) };
}

/** Plain `git fetch` of an up-to-date clone of each repository, one after the other: the floor of a no-change refresh. */
export function plainGitFetch(world: World, dir: string): number {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const clones = world.repos.map((repo, r) => {
    const path = join(dir, `plain-${r}.git`);
    execFileSync('git', ['clone', '--quiet', '--mirror', repo.path, path], { env });
    return path;
  });
  const started = performance.now();
  for (const path of clones) execFileSync('git', ['-C', path, 'fetch', '--quiet', '--prune', 'origin'], { env });
  return performance.now() - started;
}

/** Median of `rounds` sequential raw HTTP round trips to the simulator (one job read each): API overhead's floor. */
export async function rawRoundTrip(nomad: string, path: string, rounds = 20): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const t0 = performance.now();
    await (await fetch(`${nomad}${path}`)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
