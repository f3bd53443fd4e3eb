import { ownerOf, type NomadJob } from '../domain/job.js';
import type { JobListStub } from '../nomad/jobs.js';
import type { JobSummary } from '../nomad/types.js';

/** What one delta did to the view: entries new or changed, and entries gone. */
export type ViewChange = { changed: JobListStub[]; gone: JobListStub[] };

const keyOf = (s: { Namespace: string; ID: string }) => `${s.Namespace}/${s.ID}`;

/**
 * A list entry trimmed to what reconcile, health and drift detection read. At 10,000 jobs the
 * dropped fields (datacenters, node pool, priority, descriptions, times) are most of the memory.
 */
export function trimStub(stub: JobListStub): JobListStub {
  return {
    ID: stub.ID,
    ParentID: stub.ParentID ?? '',
    Namespace: stub.Namespace,
    Type: stub.Type,
    Status: stub.Status,
    Stop: Boolean(stub.Stop),
    Periodic: Boolean(stub.Periodic),
    ParameterizedJob: Boolean(stub.ParameterizedJob),
    JobSummary: stub.JobSummary ?? null,
    CreateIndex: stub.CreateIndex,
    ModifyIndex: stub.ModifyIndex,
    JobModifyIndex: stub.JobModifyIndex,
    Meta: stub.Meta ?? null,
  } as JobListStub;
}

/** The list entry Nomad would show for a job read from an event's payload (Nomad's Job.Stub). */
export function stubFromJob(job: NomadJob, summary: JobSummary | null): JobListStub {
  return trimStub({
    ID: String(job.ID),
    ParentID: String(job.ParentID ?? ''),
    Namespace: String(job.Namespace ?? 'default'),
    Type: String(job.Type ?? 'service'),
    Status: String(job.Status ?? ''),
    Stop: Boolean(job.Stop),
    Periodic: job.Periodic != null,
    ParameterizedJob: job.ParameterizedJob != null,
    JobSummary: summary,
    CreateIndex: Number(job.CreateIndex ?? 0),
    ModifyIndex: Number(job.ModifyIndex ?? 0),
    JobModifyIndex: Number(job.JobModifyIndex ?? 0),
    Meta: (job.Meta as Record<string, string> | null | undefined) ?? null,
  } as JobListStub);
}

/**
 * The live job list of one (cluster, namespace), as a map that deltas update in place. The
 * array callers get is sorted once and then updated in place when an entry changes; only a job
 * appearing or going rebuilds it, so a busy cluster of 10,000 jobs is not re-sorted per event.
 */
export class NamespaceView {
  private readonly byKey = new Map<string, JobListStub>();
  /** Entries by the app that owns them (drover.app), so an app finds its jobs without a scan of all. */
  private readonly byOwner = new Map<string, Map<string, JobListStub>>();
  private array: JobListStub[] | undefined;
  /** Where each entry sits in `array`, while it is built. */
  private positions = new Map<string, number>();

  constructor(stubs: JobListStub[]) {
    for (const stub of stubs) this.put(keyOf(stub), trimStub(stub));
  }

  /** Every entry, sorted by ID as Nomad lists them. */
  list(): JobListStub[] {
    if (!this.array) {
      this.array = [...this.byKey.values()].sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0));
      this.positions = new Map(this.array.map((stub, i) => [keyOf(stub), i]));
      views.set(this.array, this);
    }
    return this.array;
  }

  get(namespace: string, id: string): JobListStub | undefined {
    return this.byKey.get(`${namespace}/${id}`);
  }

  /** The entries an app owns. */
  ownedBy(app: string): Iterable<JobListStub> {
    return this.byOwner.get(app)?.values() ?? [];
  }

  /** Replaces the whole list (a full answer); reports what differs from before. */
  replace(stubs: JobListStub[]): ViewChange {
    const before = new Map(this.byKey);
    const changed: JobListStub[] = [];
    this.byKey.clear();
    this.byOwner.clear();
    for (const raw of stubs) {
      const stub = trimStub(raw);
      const key = keyOf(stub);
      this.put(key, stub);
      if (moved(before.get(key), stub)) changed.push(stub);
      before.delete(key);
    }
    this.dropArray();
    return { changed, gone: [...before.values()] };
  }

  /** Sets one entry; returns whether its job or summary moved. */
  upsert(stub: JobListStub): boolean {
    const key = keyOf(stub);
    const before = this.byKey.get(key);
    if (!moved(before, stub)) return false;
    if (before) this.unindex(key, before);
    this.put(key, stub);
    const position = this.positions.get(key);
    if (this.array && before && position !== undefined) this.array[position] = stub;
    else this.dropArray();
    return true;
  }

  /** Removes one entry; returns it when it was there. */
  remove(namespace: string, id: string): JobListStub | undefined {
    const key = `${namespace}/${id}`;
    const before = this.byKey.get(key);
    if (before) {
      this.byKey.delete(key);
      this.unindex(key, before);
      this.dropArray();
    }
    return before;
  }

  private put(key: string, stub: JobListStub): void {
    this.byKey.set(key, stub);
    const owner = ownerOf(stub);
    if (owner === undefined) return;
    let owned = this.byOwner.get(owner);
    if (!owned) this.byOwner.set(owner, (owned = new Map()));
    owned.set(key, stub);
  }

  private unindex(key: string, stub: JobListStub): void {
    const owner = ownerOf(stub);
    const owned = owner === undefined ? undefined : this.byOwner.get(owner);
    owned?.delete(key);
    if (owned?.size === 0) this.byOwner.delete(owner!);
  }

  /** An array handed out stays as it was; it no longer speaks for the view. */
  private dropArray(): void {
    if (this.array) views.delete(this.array);
    this.array = undefined;
  }
}

/** The view whose current list an array is (the list callers get from the inventory). */
const views = new WeakMap<JobListStub[], NamespaceView>();

/** The view behind a list from `NamespaceView.list()`, while that list is still its current one. */
export function viewOf(list: JobListStub[]): NamespaceView | undefined {
  return views.get(list);
}

/** True when an entry is new, or its job, its summary or (by the event stream) its deployment has moved on. */
function moved(before: JobListStub | undefined, after: JobListStub): boolean {
  return (
    before?.ModifyIndex !== after.ModifyIndex ||
    before.JobSummary?.ModifyIndex !== after.JobSummary?.ModifyIndex ||
    (after.DeploymentIndex !== undefined && before.DeploymentIndex !== after.DeploymentIndex)
  );
}
