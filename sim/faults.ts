import type { FailurePolicy } from './scheduler.js';

/** N requests matching a path (and method) answer with this status and body. */
export type RequestFault = { path: string; method?: string; status: number; count: number; body?: string };

/** Allocations of this job (optionally one group, one task) fail instead of running. */
/** Allocations that fail: of a job, optionally only a group, a task, or tasks running a given image (a broken release). */
export type AllocFault = { namespace: string; job: string; group?: string; task?: string; image?: string };

/**
 * The simulator's fault registry, driven by `/_sim/faults...` and `drover sim` flags:
 * request errors, latency, failing allocations. Dropping event streams and resetting state
 * live on the broker and the state store.
 */
export class Faults implements FailurePolicy {
  private requestFaults: RequestFault[] = [];
  private allocFaults: AllocFault[] = [];
  latency: { ms: number; path?: string } = { ms: 0 };

  addRequestFault(fault: RequestFault): void {
    this.requestFaults.push({ ...fault });
  }

  addAllocFault(fault: AllocFault): void {
    this.allocFaults.push({ ...fault });
  }

  /** The fault to answer this request with, if any (its count goes down by one). */
  takeRequestFault(method: string, path: string): RequestFault | undefined {
    const fault = this.requestFaults.find(
      (f) => f.count > 0 && path.startsWith(f.path) && (!f.method || f.method.toUpperCase() === method),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    this.requestFaults = this.requestFaults.filter((f) => f.count > 0);
    return fault;
  }

  latencyFor(path: string): number {
    return !this.latency.path || path.startsWith(this.latency.path) ? this.latency.ms : 0;
  }

  /** The task that fails ('' for every task), or undefined when the allocation runs. */
  shouldFail(namespace: string, jobId: string, group: string, images: string[] = []): string | undefined {
    const fault = this.allocFaults.find(
      (f) =>
        f.namespace === namespace &&
        (f.job === jobId || jobId.startsWith(`${f.job}/`)) &&
        (!f.group || f.group === group) &&
        (!f.image || images.includes(f.image)),
    );
    return fault ? (fault.task ?? '') : undefined;
  }

  clear(): void {
    this.requestFaults = [];
    this.allocFaults = [];
    this.latency = { ms: 0 };
  }

  describe(): { requests: RequestFault[]; allocations: AllocFault[]; latency: { ms: number; path?: string } } {
    return { requests: this.requestFaults, allocations: this.allocFaults, latency: this.latency };
  }
}
