import type { ACL } from './acl.js';
import type { Faults } from './faults.js';
import type { JobStore } from './jobs.js';
import type { Lifecycle } from './lifecycle.js';
import type { Scheduler, SimNode } from './scheduler.js';
import type { SimState } from './state.js';
import type { VariableStore } from './variables.js';

/** Everything a route needs: the store and the simulated servers around it. */
export type Sim = {
  state: SimState;
  jobs: JobStore;
  scheduler: Scheduler;
  lifecycle: Lifecycle;
  variables: VariableStore;
  acl: ACL;
  faults: Faults;
  nodes: SimNode[];
  /** The simulated Nomad version reported by /v1/agent/self. */
  version: string;
  /** Event-stream heartbeat period (Nomad: 30 s). */
  heartbeatMs: number;
};
