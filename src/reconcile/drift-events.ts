import type { JobListStub } from '../nomad/jobs.js';
import { ownerOf } from '../domain/job.js';

/**
 * The apps to reconcile after the inventory saw job list entries change: the owner of every
 * job that is new, changed (an edit, a stop, a new version, a deployment marking it stable,
 * allocations changing status in its summary) or gone. Drover's own writes wake their app too;
 * that reconcile finds nothing to write and refreshes health, which is what it is for.
 */
export function appsToWake(
  changed: JobListStub[],
  gone: JobListStub[],
  isKnownApp: (name: string) => boolean,
): string[] {
  const wake = new Set<string>();
  for (const stub of [...changed, ...gone]) {
    const app = ownerOf(stub);
    if (app && isKnownApp(app)) wake.add(app);
  }
  return [...wake];
}
