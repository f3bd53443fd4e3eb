import { after, before, describe } from 'node:test';
import { errorCases } from './errors.cases.js';
import { eventCases } from './events.cases.js';
import { jobCases } from './jobs.cases.js';
import { resourceCases } from './resources.cases.js';
import { schedulingCases } from './scheduling.cases.js';
import { shapeCases } from './shapes.cases.js';
import { watchCases } from './watch.cases.js';
import { nomadTarget, type Target } from './target.js';

const skip = process.env.NOMAD_ADDR ? false : 'NOMAD_ADDR is not set: the contract suite ran against the simulator only';

/** The same contract suite against a real Nomad agent (NOMAD_ADDR, NOMAD_TOKEN and the other NOMAD_* variables). */
describe('Nomad contract: real agent', { skip }, () => {
  let target: Target;
  before(() => {
    target = nomadTarget();
  });
  after(() => target?.close());
  jobCases(() => target);
  schedulingCases(() => target);
  eventCases(() => target);
  resourceCases(() => target);
  errorCases(() => target);
  shapeCases(() => target);
  watchCases(() => target);
});
