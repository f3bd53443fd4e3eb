import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { WriteGate } from '../domain/write-gate.js';
import { LeaderElector } from '../ha/elector.js';
import type { NomadClient } from '../nomad/index.js';
import type { LeadershipView } from '../server/leader-guard.js';

/** What runs only while this instance follows (app sets kept in step, the status relay). */
export type FollowerWork = { stop(): void };

export type LeadershipOptions = {
  config: Config;
  clients: Map<string, NomadClient>;
  logger: Logger;
  /** Starts what only the leader runs: the controller, the poller, the app sets. */
  onLead: () => void;
};

/**
 * When this instance leads. Without HA it leads at once; with HA a Nomad Variables lock decides.
 * Leading happens at most once per process: a deposed leader exits and comes back as a follower.
 * Until an election has run, nobody may write.
 */
export class Leadership {
  private led = false;
  private stopping = false;
  private elector: LeaderElector | undefined;
  private readonly following: FollowerWork[] = [];
  private deposed!: (reason: string) => void;
  /** Resolves (with the reason) if this instance loses leadership; its writes have already stopped. */
  readonly lost = new Promise<string>((resolve) => (this.deposed = resolve));

  readonly gate: WriteGate = {
    mayWrite: () => !this.options.config.ha.enabled || this.elector?.mayWrite() === true,
    reason: () => this.elector?.reason() ?? 'not the leader; no election has run yet',
  };

  constructor(private readonly options: LeadershipOptions) {}

  /** For the API: who leads, with HA on. */
  view(): LeadershipView | undefined {
    if (!this.options.config.ha.enabled) return undefined;
    return { isLeader: () => this.elector?.isLeader() === true, leader: () => this.elector?.leader() };
  }

  /** Whether this instance leads (and so reconciles). */
  leads(): boolean {
    return this.led;
  }

  /** Work to run while following; it stops when this instance leads or stops. */
  whileFollowing(work: FollowerWork): void {
    this.following.push(work);
  }

  /** Leads now (HA off), or joins the election under the URL followers will name. */
  start(selfURL: string): void {
    if (!this.options.config.ha.enabled) return this.lead();
    this.elector = makeElector(
      this.options,
      selfURL,
      () => this.lead(),
      (reason) => {
        this.led = true; // never lead again in this process
        if (!this.stopping) this.deposed(reason);
      },
    );
    this.elector.start();
  }

  /** Stops the follower work; the lock is released later, by `release`, once no write is in flight. */
  stopFollowing(): void {
    this.stopping = true;
    for (const work of this.following.splice(0)) work.stop();
  }

  async release(): Promise<void> {
    await this.elector?.stop();
  }

  private lead(): void {
    if (this.led || this.stopping) return;
    this.led = true;
    for (const work of this.following.splice(0)) work.stop();
    this.options.onLead();
  }
}

function makeElector(
  { config, clients, logger }: LeadershipOptions,
  url: string,
  onElected: () => void,
  onDeposed: (reason: string) => void,
): LeaderElector {
  const nomad = clients.get(config.ha.cluster)!;
  return new LeaderElector({
    variables: nomad.variables,
    path: config.ha.lockPath,
    namespace: config.ha.namespace,
    ttlMs: config.ha.ttlMs,
    lockDelayMs: config.ha.lockDelayMs,
    self: { id: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`, url },
    logger: logger.child({ component: 'ha' }),
    onElected,
    onDeposed,
  });
}
