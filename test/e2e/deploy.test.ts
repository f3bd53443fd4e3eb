import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSim, type RunningSim } from '../../sim/server.js';
import { renderOptions, validateCommand } from '../../src/cli/render.js';
import { parseHcl } from '../../src/render/hcl/parser.js';
import { localSnapshot } from '../../src/render/local.js';
import { renderSnapshot } from '../../src/render/render.js';
import { NomadClient } from '../../src/nomad/index.js';
import { until } from '../contract/target.js';

const JOB = fileURLToPath(new URL('../../deploy/drover.nomad.hcl', import.meta.url));
const POLICY = fileURLToPath(new URL('../../deploy/drover-policy.hcl', import.meta.url));

const sink = () => {
  let text = '';
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
};

describe('deploy/: Drover as a Nomad job', () => {
  let sim: RunningSim;
  let nomad: NomadClient;
  before(async () => {
    sim = await startSim({ port: 0, nodes: 3, allocDelayMs: 20 });
    nomad = new NomadClient({ address: sim.url });
  });
  after(async () => {
    await nomad.close();
    await sim.close();
  });

  test('given the job file, drover validate passes it', () => {
    const out = sink();
    const err = sink();
    assert.equal(validateCommand([JOB], {}, out, err), 0, err.text());
    assert.match(out.text(), /1 job\(s\) valid/);
  });

  test('when registered on the simulator, three healthy instances run on three nodes', async () => {
    const out = sink();
    const err = sink();
    assert.equal(validateCommand([JOB], {}, out, err), 0);
    const rendered = renderSnapshot(localSnapshot([JOB]), renderOptions({}, {}));
    const job = rendered.jobs[0]!.job;
    type Group = {
      Count: number;
      Update?: { Canary?: number; AutoRevert?: boolean };
      Services?: Array<{ Checks?: Array<{ Path?: string }> }>;
      Tasks: Array<{ Identity?: { Env?: boolean }; Identities?: Array<{ Env?: boolean }> }>;
    };
    const group = job.TaskGroups![0] as unknown as Group;
    const task = group.Tasks[0]!;
    assert.equal(group.Count, 3);
    assert.deepEqual([group.Update?.Canary, group.Update?.AutoRevert], [1, true]);
    assert.equal(group.Services?.[0]?.Checks?.[0]?.Path, '/readyz');
    assert.equal(task.Identity?.Env ?? task.Identities?.[0]?.Env, true);
    await nomad.jobs.register(job);
    const allocs = await until('three running allocations', async () => {
      const { allocations } = await nomad.jobs.allocations('drover');
      const running = allocations.filter((a) => a.ClientStatus === 'running');
      return running.length === 3 ? running : undefined;
    });
    assert.equal(new Set(allocs.map((a) => a.NodeID)).size, 3, 'spread over nodes');
  });

  test('the ACL policy parses and grants only job, parse and variable rights under the lock path', () => {
    const text = readFileSync(POLICY, 'utf8');
    assert.ok(parseHcl(text));
    assert.doesNotMatch(text, /"(alloc-exec|alloc-lifecycle|read-logs|read-fs|sentinel-override)"/);
    assert.match(text, /path "nomad\/jobs\/drover\/leader"/);
  });
});
