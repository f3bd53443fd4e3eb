import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim/server.js';
import { TestRepo, tempDir } from '../helpers/git.js';
import { getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';
import { serviceJob } from '../helpers/stack.js';

const READY = /Drover listening on (http:\/\/\S+)/;
const IDS = Array.from({ length: 50 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
/** Registers Drover has in flight at once per app (reconcile/sync.ts). */
const IN_FLIGHT = 4;

type Run = {
  id: number;
  result: string;
  revision: string;
  jobs: Array<{ id: string; action: string; result: string }>;
};
type NomadStub = { ID: string; Stop: boolean; CreateIndex: number; JobModifyIndex: number };

// Issue 14, hole 5 and the crash case: SIGKILL in the middle of a sync of 50 jobs, then a restart.
describe('fault: SIGKILL during a sync of 50 jobs', () => {
  const dir = tempDir('drover-fault-crash-');
  const configFile = join(dir.path, 'drover.json');
  let sim: RunningSim;
  let sha: string;
  const children: Child[] = [];
  before(async () => {
    sim = await startSim({ port: 0 });
    const repo = new TestRepo(join(dir.path, 'repo'));
    for (const id of IDS) repo.write(`jobs/${id}.json`, serviceJob(id));
    sha = repo.commit('fifty jobs');
    writeFileSync(
      configFile,
      JSON.stringify({
        listen: '127.0.0.1:0',
        data_dir: join(dir.path, 'data'),
        cluster: { default: { address: sim.url } },
        repository: { jobs: { url: repo.path, poll_interval: '1h' } },
        app: { web: { repository: 'jobs', revision: 'main', path: 'jobs', sync: { automated: true, prune: true } } },
      }),
    );
  });
  after(async () => {
    for (const child of children) await child.stop();
    await sim.close();
    dir.cleanup();
  });

  const nomadJobs = async () => (await getJSON<NomadStub[]>(`${sim.url}/v1/jobs`)).body;

  test('then the restart converges, registers each job once, keeps the interrupted run with its actions and prunes nothing', async () => {
    // Given: every register is slow, so the sync is still running when the process dies.
    await fetch(`${sim.url}/_sim/faults/latency`, {
      method: 'POST',
      body: JSON.stringify({ ms: 60, path: '/v1/job/' }),
    });
    const first = await startDrover(['server', '--config', configFile], READY);
    children.push(first);
    await waitFor('a few registers', async () => ((await nomadJobs()).length >= 8 ? true : undefined), 30_000);
    // When: SIGKILL mid-sync.
    first.process.kill('SIGKILL');
    await waitFor('the process gone', async () => (first.process.signalCode ? true : undefined));
    const registered = (await nomadJobs()).length;
    assert.ok(registered < IDS.length, `the sync was cut short (${registered} of ${IDS.length} registered)`);
    await fetch(`${sim.url}/_sim/faults/latency`, { method: 'POST', body: JSON.stringify({ ms: 0 }) });

    // Then: a restart converges on the same revision.
    const next = await startDrover(['server', '--config', configFile], READY);
    children.push(next);
    const url = next.match[1]!;
    await waitFor(
      'Synced after the restart',
      async () => {
        const { body } = await getJSON<{ status: { sync: { status: string; revision: string } } }>(
          `${url}/api/v1/apps/web`,
        );
        return body.status.sync.status === 'Synced' && body.status.sync.revision === sha ? true : undefined;
      },
      30_000,
    );
    const jobs = await nomadJobs();
    assert.equal(jobs.length, IDS.length);
    for (const job of jobs) {
      assert.equal(job.Stop, false, `${job.ID} is not pruned`);
      assert.equal(job.JobModifyIndex, job.CreateIndex, `${job.ID} was registered once for this revision`);
    }
    // History: the interrupted run keeps every action written before the crash.
    const { body } = await getJSON<{ history: Run[] }>(`${url}/api/v1/apps/web/history`);
    const interrupted = body.history.find((run) => run.result === 'Interrupted');
    assert.ok(interrupted, `an interrupted run: ${JSON.stringify(body.history.map((r) => r.result))}`);
    assert.equal(interrupted.revision, sha);
    assert.ok(
      interrupted.jobs.length >= registered - IN_FLIGHT,
      `${interrupted.jobs.length} actions recorded for ${registered} registers (at most ${IN_FLIGHT} in flight)`,
    );
    for (const action of interrupted.jobs) assert.deepEqual([action.action, action.result], ['create', 'ok']);
    await next.stop();
  });
});
