import { aclCases } from './acl.cases.js';
import { errorCases } from './errors.cases.js';
import { eventCases } from './events.cases.js';
import { jobCases } from './jobs.cases.js';
import { operationCases, simOperationCases } from './operations.cases.js';
import { paramCases, unimplementedCases } from './params.cases.js';
import { resourceCases } from './resources.cases.js';
import { schedulingCases } from './scheduling.cases.js';
import { shapeCases } from './shapes.cases.js';
import { watchCases } from './watch.cases.js';
import type { Target } from './target.js';

/** Every case of the contract suite, so the simulator and a real agent always run the same list. */
export function contractCases(target: () => Target): void {
  jobCases(target);
  schedulingCases(target);
  eventCases(target);
  resourceCases(target);
  errorCases(target);
  shapeCases(target);
  watchCases(target);
  paramCases(target);
  unimplementedCases(target);
  operationCases(target);
  simOperationCases(target);
  aclCases(target);
}
