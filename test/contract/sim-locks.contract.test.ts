import { after, before, describe } from 'node:test';
import { lockCases, NOMAD_LOCK_TIMING, SIM_LOCK_TIMING } from './locks.cases.js';
import { CONTRACT_SIM, nomadTarget, simTarget, type Target } from './target.js';

/**
 * The lock cases wait for a TTL and a lock-delay to run out, so they have their own runs: the simulator with
 * its floor lowered to 1 s, and a real agent (NOMAD_ADDR) with Nomad's 10 s floor.
 */
describe('Nomad contract: variable locks (simulator, 1 s floor)', () => {
  let target: Target;
  before(async () => {
    target = await simTarget({ ...CONTRACT_SIM, minLockTtlMs: 1000 });
  });
  after(() => target.close());
  lockCases(
    () => target,
    () => SIM_LOCK_TIMING,
  );
});

const skip = process.env.NOMAD_ADDR ? false : 'NOMAD_ADDR is not set: the lock cases ran against the simulator only';

describe('Nomad contract: variable locks (real agent)', { skip }, () => {
  let target: Target;
  before(() => {
    target = nomadTarget();
  });
  after(() => target?.close());
  lockCases(
    () => target,
    () => NOMAD_LOCK_TIMING,
  );
});
