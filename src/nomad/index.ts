import { NomadHTTP, type NomadClientOptions } from './client.js';
import { Allocations } from './allocations.js';
import { Deployments } from './deployments.js';
import { Evaluations } from './evaluations.js';
import { Events } from './events.js';
import { Jobs } from './jobs.js';
import { Namespaces } from './namespaces.js';
import { System } from './system.js';
import { Variables } from './variables.js';

/** The typed Nomad client: one property per resource, as in Nomad's api package. */
export class NomadClient {
  readonly http: NomadHTTP;
  readonly jobs: Jobs;
  readonly deployments: Deployments;
  readonly allocations: Allocations;
  readonly evaluations: Evaluations;
  readonly namespaces: Namespaces;
  readonly variables: Variables;
  readonly events: Events;
  readonly system: System;

  constructor(options: NomadClientOptions) {
    this.http = new NomadHTTP(options);
    this.jobs = new Jobs(this.http);
    this.deployments = new Deployments(this.http);
    this.allocations = new Allocations(this.http);
    this.evaluations = new Evaluations(this.http);
    this.namespaces = new Namespaces(this.http);
    this.variables = new Variables(this.http);
    this.events = new Events(this.http);
    this.system = new System(this.http);
  }

  /** Releases pooled connections. */
  close(): Promise<void> {
    return this.http.close();
  }
}

export { type QueryOptions, type QueryMeta, type NomadClientOptions, type NomadTLSOptions } from './client.js';
export { NomadAPIError, NomadNetworkError, isNomadStatus } from './errors.js';
export { nomadOptionsFromEnv } from './config.js';
export { VariableConflictError } from './variables.js';
export { watch, type WatchOptions } from './watch.js';
export { EventStreamClosedError, type EventBatch, type EventStreamOptions } from './events.js';
export type {
  JobListStub,
  RegisterResponse,
  DeregisterResponse,
  PlanResponse,
  ValidateResponse,
  JobSubmission,
} from './jobs.js';
export type * from './types.js';
