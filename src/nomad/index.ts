import { NomadHTTP, type NomadClientOptions } from './client.js';
import { Jobs } from './jobs.js';

/** The typed Nomad client: one property per resource, as in Nomad's api package. */
export class NomadClient {
  readonly http: NomadHTTP;
  readonly jobs: Jobs;

  constructor(options: NomadClientOptions) {
    this.http = new NomadHTTP(options);
    this.jobs = new Jobs(this.http);
  }
}

export { NomadAPIError, type QueryOptions, type QueryMeta, type NomadClientOptions } from './client.js';
export type { JobListStub, RegisterResponse } from './jobs.js';
