import type { NomadJob } from '../domain/job.js';
import type { NomadClient } from '../nomad/index.js';
import type { EventBatch } from '../nomad/events.js';
import { EventStreamClosedError } from '../nomad/events.js';
import { isNomadStatus, NomadAPIError } from '../nomad/errors.js';
import type { JobListStub } from '../nomad/jobs.js';
import { backoffDelay, sleep } from '../nomad/retry.js';
import type { NomadEvent } from '../nomad/types.js';
import { stubFromJob, type NamespaceView, type ViewChange } from './inventory-view.js';
import { mapLimit } from './limit.js';

/** The topics that move a job's list entry or its health. */
const TOPICS = { Job: ['*'], Allocation: ['*'], Deployment: ['*'] };
const SUMMARY_CONCURRENCY = 8;
const MAX_BACKOFF_MS = 30_000;
/** Connections in a row that Nomad closes before any event: ACLs refusing the topics after the 200. */
const CLOSED_BEFORE_EVENT_LIMIT = 3;

/** The state of the inventory's watch of one namespace that the follower reads and moves. */
export type EventWatchState = { namespace: string; view: NamespaceView; index: number; healthy: boolean };

/** What the follower calls back into the inventory with. */
export type EventWatchHooks = {
  signal: AbortSignal;
  /** The state changed: wake callers waiting for an index. */
  wake(): void;
  report(change: ViewChange): void;
  /** A full list, applied to the view; returns its index. Used after a reconnect, when events may have been missed. */
  relist(): Promise<number>;
  logError(error: unknown, message: string): void;
};

/** The watch's state (moved in place, so the inventory sees it) and the inventory's hooks. */
type EventWatch = { state: EventWatchState; hooks: EventWatchHooks };

/** Raised when the stream cannot serve this namespace (broker disabled, ACLs): the caller falls back to blocking lists. */
export class EventsUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Nomad event stream unavailable: ${reason}`);
    this.name = 'EventsUnavailableError';
  }
}

/**
 * Follows `/v1/event/stream` for the Job, Allocation and Deployment topics of one namespace
 * from the watch's index, so each change costs its own event instead of the whole job list.
 * A job event replaces that job's entry; an allocation or job event refreshes the job's summary
 * (one small read, coalesced); a deployment event wakes the job's owner. After a drop it
 * resumes from the last index and lists once, since Nomad's buffer may have moved past it.
 * Resolves when the signal aborts; throws EventsUnavailableError when Nomad refuses the stream.
 */
export async function followEvents(nomad: NomadClient, state: EventWatchState, hooks: EventWatchHooks): Promise<void> {
  const watch = { state, hooks };
  const summaries = new SummaryRefresher(nomad, watch);
  let failures = 0;
  let closedEmpty = 0;
  let reconnect = false;
  while (!watch.hooks.signal.aborted) {
    let sawBatch = false;
    try {
      const stream = nomad.events.stream({
        topics: TOPICS,
        namespace: watch.state.namespace,
        index: watch.state.index + 1,
        signal: watch.hooks.signal,
        onOpen: async () => {
          if (reconnect) watch.state.index = Math.max(watch.state.index, await watch.hooks.relist());
          watch.state.healthy = true;
          failures = 0;
          watch.hooks.wake();
        },
      });
      for await (const batch of stream) {
        sawBatch = true;
        closedEmpty = 0;
        applyBatch(watch, batch, summaries);
      }
      return;
    } catch (error) {
      if (watch.hooks.signal.aborted) return;
      if (refusal(error)) throw new EventsUnavailableError((error as Error).message);
      closedEmpty = error instanceof EventStreamClosedError && !sawBatch ? closedEmpty + 1 : 0;
      if (closedEmpty >= CLOSED_BEFORE_EVENT_LIMIT)
        throw new EventsUnavailableError('Nomad closes the stream before any event (ACLs?)');
      watch.state.healthy = false;
      watch.hooks.wake();
      reconnect = true;
      watch.hooks.logError(error, 'event stream dropped; resuming');
      const delay = backoffDelay({ attempts: Infinity, baseDelayMs: 200, maxDelayMs: MAX_BACKOFF_MS }, ++failures);
      await sleep(delay, watch.hooks.signal).catch(() => undefined);
    }
  }
}

/** Nomad answers that say the stream will not work here: forbidden, not found, not implemented, bad request. */
function refusal(error: unknown): boolean {
  return error instanceof NomadAPIError && [400, 403, 404, 405, 501].includes(error.statusCode);
}

function applyBatch(watch: EventWatch, batch: EventBatch, summaries: SummaryRefresher): void {
  if (batch.Index <= watch.state.index) {
    // Already covered by a list taken since; only deployment wakes are not in a list.
    for (const event of batch.Events) if (event.Topic === 'Deployment') wakeOwner(watch, event);
    return;
  }
  const change: ViewChange = { changed: [], gone: [] };
  for (const event of batch.Events) {
    if (event.Topic === 'Job') applyJobEvent(watch, event, change, summaries);
    else if (event.Topic === 'Allocation') summaries.add(jobIdOf(event));
    else if (event.Topic === 'Deployment') wakeOwner(watch, event);
  }
  watch.state.index = batch.Index;
  watch.hooks.wake();
  if (change.changed.length + change.gone.length > 0) watch.hooks.report(change);
}

function applyJobEvent(watch: EventWatch, event: NomadEvent, change: ViewChange, summaries: SummaryRefresher): void {
  const job = event.Payload.Job as NomadJob | undefined;
  if (!job) return;
  const id = String(job.ID);
  const current = watch.state.view.get(watch.state.namespace, id);
  const purged =
    event.Payload.Deleted === true ||
    event.Type === 'JobBatchDeregistered' ||
    (event.Type === 'JobDeregistered' && !job.Stop);
  if (purged) {
    const gone = watch.state.view.remove(watch.state.namespace, id);
    if (gone) change.gone.push(gone);
    return;
  }
  if (current && Number(job.ModifyIndex ?? 0) < current.ModifyIndex) return;
  const stub = withDeploymentIndex(stubFromJob(job, current?.JobSummary ?? null), current?.DeploymentIndex);
  if (watch.state.view.upsert(stub)) change.changed.push(stub);
  // Before Nomad 2.0 a purge of a stopped job looks like a stop: the summary read tells them apart.
  summaries.add(id);
}

/**
 * A deployment changing (started, paused, failed, successful, an allocation's health) wakes
 * its job's owner without any read, and marks the entry with the event's index: health keeps
 * a Progressing reading only until that index moves.
 */
function wakeOwner(watch: EventWatch, event: NomadEvent): void {
  const { view, namespace } = watch.state;
  const stub = view.get(namespace, jobIdOf(event));
  if (!stub) return;
  const next = withDeploymentIndex(stub, Math.max(event.Index, stub.DeploymentIndex ?? 0));
  view.upsert(next);
  watch.hooks.report({ changed: [next], gone: [] });
}

function withDeploymentIndex(stub: JobListStub, index: number | undefined): JobListStub {
  return index === undefined ? stub : { ...stub, DeploymentIndex: index };
}

function jobIdOf(event: NomadEvent): string {
  const payload = (event.Payload.Allocation ?? event.Payload.Deployment) as { JobID?: string } | undefined;
  return String(payload?.JobID ?? event.FilterKeys?.[0] ?? '');
}

/**
 * Reads `/v1/job/:id/summary` for jobs whose allocations moved, a few at a time, one read per
 * job however many events arrived meanwhile. A newer summary updates the entry and reports it;
 * a 404 means the job was purged.
 */
class SummaryRefresher {
  private pending = new Set<string>();
  private running = false;

  constructor(
    private readonly nomad: NomadClient,
    private readonly watch: EventWatch,
  ) {}

  add(id: string): void {
    if (!id) return;
    this.pending.add(id);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.size > 0 && !this.watch.hooks.signal.aborted) {
        const ids = [...this.pending];
        this.pending = new Set();
        const change: ViewChange = { changed: [], gone: [] };
        await mapLimit(ids, SUMMARY_CONCURRENCY, (id) => this.refresh(id, change));
        if (change.changed.length + change.gone.length > 0) this.watch.hooks.report(change);
      }
    } finally {
      this.running = false;
    }
  }

  private async refresh(id: string, change: ViewChange): Promise<void> {
    const { namespace, view } = this.watch.state;
    try {
      const { summary } = await this.nomad.jobs.summary(id, { namespace, signal: this.watch.hooks.signal });
      const current = view.get(namespace, id);
      if (!current) return;
      if (!summary) {
        const gone = view.remove(namespace, id);
        if (gone) change.gone.push(gone);
        return;
      }
      if ((current.JobSummary?.ModifyIndex ?? -1) >= summary.ModifyIndex) return;
      const next: JobListStub = { ...current, JobSummary: summary };
      if (view.upsert(next)) change.changed.push(next);
    } catch (error) {
      if (this.watch.hooks.signal.aborted || isNomadStatus(error, 404)) return;
      // The next event for this job, or the next reconnect's list, catches it up.
      this.watch.hooks.logError(error, 'job summary read failed');
    }
  }
}
