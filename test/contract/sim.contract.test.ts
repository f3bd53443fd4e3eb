import { after, before, describe } from 'node:test';
import { errorCases } from './errors.cases.js';
import { eventCases } from './events.cases.js';
import { jobCases } from './jobs.cases.js';
import { resourceCases } from './resources.cases.js';
import { schedulingCases } from './scheduling.cases.js';
import { shapeCases } from './shapes.cases.js';
import { watchCases } from './watch.cases.js';
import { simTarget, type Target } from './target.js';

/** The contract suite against the simulator, started in-process on a free port. */
describe('Nomad contract: simulator', () => {
  let target: Target;
  before(async () => {
    target = await simTarget();
  });
  after(() => target.close());
  jobCases(() => target);
  schedulingCases(() => target);
  eventCases(() => target);
  resourceCases(() => target);
  errorCases(() => target);
  shapeCases(() => target);
  watchCases(() => target);
});
