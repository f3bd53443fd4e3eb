import { after, before, describe } from 'node:test';
import { contractCases } from './cases.js';
import { simTarget, type Target } from './target.js';

/** The contract suite against the simulator, started in-process on a free port. */
describe('Nomad contract: simulator', () => {
  let target: Target;
  before(async () => {
    target = await simTarget();
  });
  after(() => target.close());
  contractCases(() => target);
});
