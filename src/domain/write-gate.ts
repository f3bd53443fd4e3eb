/**
 * Whether this process may write to Nomad now. With HA on, only the leader may, and only until its
 * lease's own deadline: a leader that cannot renew closes the gate before the lock's TTL ends, so a
 * deposed leader stops writing before anyone else can take over. Reconcile asks before every write.
 */
export interface WriteGate {
  /** True while writes are allowed; the answer can change from one call to the next. */
  mayWrite(): boolean;
  /** Why writes are withheld, for history and logs (e.g. who leads instead). */
  reason(): string;
}

/** The gate of a single instance (HA off): always open. */
export const OPEN_GATE: WriteGate = { mayWrite: () => true, reason: () => '' };
