import type { JobListStub } from '../nomad/jobs.js';
import type { DB } from '../store/db.js';
import { listAppliedJobs } from '../store/applied-jobs.js';
import { ownerOf } from '../domain/job.js';

/**
 * The apps to reconcile after the inventory saw job list entries change. A change whose
 * JobModifyIndex is the one Drover recorded for its own register is not drift and wakes nobody;
 * everything else (an edit, a stop, a new job carrying an app's marker) and every job that is gone
 * from the list (purged) wakes the owner.
 */
export function appsToWake(db: DB, changed: JobListStub[], gone: JobListStub[], isKnownApp: (name: string) => boolean): string[] {
  const wake = new Set<string>();
  for (const stub of gone) {
    const app = ownerOf(stub);
    if (app && isKnownApp(app)) wake.add(app);
  }
  const appliedByApp = new Map<string, Map<string, number>>();
  for (const stub of changed) {
    const app = ownerOf(stub);
    if (!app || !isKnownApp(app) || wake.has(app)) continue;
    let applied = appliedByApp.get(app);
    if (!applied) {
      applied = new Map(listAppliedJobs(db, app).map((a) => [`${a.namespace}/${a.jobId}`, a.jobModifyIndex]));
      appliedByApp.set(app, applied);
    }
    const ownWrite = !stub.Stop && applied.get(`${stub.Namespace}/${stub.ID}`) === stub.JobModifyIndex;
    if (!ownWrite) wake.add(app);
  }
  return [...wake];
}
