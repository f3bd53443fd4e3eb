import type { Logger } from 'pino';
import type { WriteGate } from '../domain/write-gate.js';
import { VariableConflictError, type Variables } from '../nomad/variables.js';
import type { Variable, VariableMetadata } from '../nomad/types.js';
import { Lease } from './lease.js';

/** Who leads: an instance's ID and the URL other instances and clients can reach it at. */
export type LeaderInfo = { id: string; url: string };

export type ElectorOptions = {
  variables: Variables;
  /** The variable that holds the lock, e.g. `nomad/jobs/drover/leader`. */
  path: string;
  namespace?: string;
  ttlMs: number;
  lockDelayMs: number;
  self: LeaderInfo;
  logger: Logger;
  /** Called once this instance holds the lock. */
  onElected(): void;
  /** Called once it no longer does (lost, expired or released); writes are already refused. */
  onDeposed(reason: string): void;
  now?: () => number;
};

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

/**
 * Leader election on a Nomad Variables lock (Nomad's Raft is the consensus; none of our own).
 * The leader renews every TTL/3; its write gate has its own deadline (the lease, TTL minus a margin
 * from when the last renewal was sent), so a leader cut off from Nomad stops writing before the TTL
 * ends, even while a renewal hangs. Followers retry every TTL/5 and learn who leads from the 409.
 */
export class LeaderElector implements WriteGate {
  private readonly lease: Lease;
  private lockId: string | undefined;
  private current: LeaderInfo | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ElectorOptions) {
    this.lease = new Lease(options.ttlMs, Math.max(500, options.ttlMs / 5), options.now);
  }

  start(): void {
    this.schedule(0);
  }

  isLeader(): boolean {
    return this.lockId !== undefined && this.lease.valid();
  }

  mayWrite(): boolean {
    return this.isLeader();
  }

  reason(): string {
    if (this.isLeader()) return '';
    return this.current ? `not the leader; ${this.current.url} leads` : 'not the leader; no leader is known yet';
  }

  /** The leader as last seen: this instance, another one, or undefined (none, or during a lock-delay). */
  leader(): LeaderInfo | undefined {
    return this.isLeader() ? this.options.self : this.current;
  }

  /** Stops campaigning; a leader releases the lock so another instance takes over without a lock-delay. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const lockId = this.lockId;
    if (!lockId) return;
    this.stepDown('stopping');
    try {
      await this.options.variables.releaseLock(this.options.path, lockId, { namespace: this.options.namespace });
      this.options.logger.info({ path: this.options.path }, 'released the leader lock');
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'could not release the leader lock; it expires');
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { ttlMs, logger } = this.options;
    let next = ttlMs / 5;
    try {
      if (this.lockId) {
        next = ttlMs / 3;
        await this.renew();
      } else await this.acquire();
    } catch (error) {
      // Nomad unreachable or erroring: a leader retries sooner while its lease lasts.
      if (this.lockId) next = ttlMs / 10;
      logger.warn({ err: (error as Error).message, leader: this.lockId !== undefined }, 'leader lock request failed');
    } finally {
      this.schedule(next);
    }
  }

  private async acquire(): Promise<void> {
    const { variables, path, namespace, ttlMs, lockDelayMs, self, logger } = this.options;
    const sentAt = this.lease.stamp();
    try {
      const held = await variables.acquireLock(
        path,
        { ttl: seconds(ttlMs), lockDelay: seconds(lockDelayMs), items: { leader_id: self.id, leader_url: self.url } },
        { namespace },
      );
      if (this.stopped) {
        await variables.releaseLock(path, held.Lock!.ID!, { namespace });
        return;
      }
      this.lockId = held.Lock!.ID;
      this.current = self;
      this.extend(sentAt);
      logger.info({ path, url: self.url }, 'elected leader');
      this.options.onElected();
    } catch (error) {
      if (!(error instanceof VariableConflictError)) throw error;
      this.current = leaderOf(error.current);
    }
  }

  private async renew(): Promise<void> {
    const { variables, path, namespace } = this.options;
    const sentAt = this.lease.stamp();
    try {
      await variables.renewLock(path, this.lockId!, { namespace });
      if (this.lockId) this.extend(sentAt);
    } catch (error) {
      if (error instanceof VariableConflictError) {
        this.current = leaderOf(error.current);
        this.stepDown('the lock is no longer ours (it expired or another instance holds it)');
        return;
      }
      throw error;
    }
  }

  private extend(sentAt: number): void {
    this.lease.extend(sentAt);
    clearTimeout(this.deadline);
    // The gate closes by itself at the lease's end; this timer only tells the composition root.
    this.deadline = setTimeout(() => {
      if (this.lockId && !this.lease.valid()) this.stepDown('no renewal succeeded before the lease ended');
    }, this.lease.remainingMs() + 1);
    this.deadline.unref();
  }

  private stepDown(reason: string): void {
    if (!this.lockId) return;
    this.lockId = undefined;
    this.lease.end();
    clearTimeout(this.deadline);
    if (this.current?.id === this.options.self.id) this.current = undefined;
    this.options.logger.warn({ path: this.options.path, reason }, 'no longer the leader');
    this.options.onDeposed(reason);
  }
}

/** The holder named in the variable's items, if it is locked now (during a lock-delay nobody leads). */
function leaderOf(variable: Variable | VariableMetadata): LeaderInfo | undefined {
  const items = (variable as Variable).Items;
  if (!variable.Lock || !items?.leader_url) return undefined;
  return { id: items.leader_id ?? '', url: items.leader_url };
}
