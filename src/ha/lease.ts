/**
 * A leadership lease measured on this process's monotonic clock. It starts when a lock request was
 * *sent* (the server's TTL clock starts later, so the lease always ends first), and ends `margin`
 * before the TTL so a write started just before the end still lands inside it.
 */
export class Lease {
  private until = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly marginMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The monotonic time to stamp on a lock request before sending it. */
  stamp(): number {
    return this.now();
  }

  /** A lock request sent at `sentAt` succeeded: the lease runs from then. */
  extend(sentAt: number): void {
    this.until = Math.max(this.until, sentAt + this.ttlMs - this.marginMs);
  }

  end(): void {
    this.until = 0;
  }

  valid(): boolean {
    return this.now() < this.until;
  }

  /** Milliseconds left (0 once ended). */
  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }
}
