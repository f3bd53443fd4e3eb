import { after, before, describe } from 'node:test';
import { contractCases } from './cases.js';
import { nomadTarget, type Target } from './target.js';

const skip = process.env.NOMAD_ADDR
  ? false
  : 'NOMAD_ADDR is not set: the contract suite ran against the simulator only';

/** The same contract suite against a real Nomad agent (NOMAD_ADDR, NOMAD_TOKEN and the other NOMAD_* variables). */
describe('Nomad contract: real agent', { skip }, () => {
  let target: Target;
  before(() => {
    target = nomadTarget();
  });
  after(() => target?.close());
  contractCases(() => target);
});
