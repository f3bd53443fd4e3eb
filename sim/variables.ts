import { randomUUID } from 'node:crypto';
import { parseDuration } from '../src/domain/duration.js';
import type { Variable, VariableMetadata } from '../src/nomad/types.js';
import { SimError, compare, nowNs, type SimState, type StoredVariable } from './state.js';

const PATH_RE = /^[a-zA-Z0-9\-_~/]{1,128}$/;
const MAX_ITEMS_BYTES = 64 * 1024;
const MAX_TTL_NS = 24 * 3600e9;
/** Nomad's floor for a lock's TTL and LockDelay. */
export const NOMAD_MIN_LOCK_TTL_MS = 10_000;

export type LockOp = 'lock-acquire' | 'lock-renew' | 'lock-release';

/** Metadata only (what lists, renew and release answer). */
export function metadataOf(variable: StoredVariable): VariableMetadata {
  const { Namespace, Path, CreateIndex, CreateTime, ModifyIndex, ModifyTime, Lock } = variable;
  return { Namespace, Path, ...(Lock ? { Lock: { ...Lock } } : {}), CreateIndex, CreateTime, ModifyIndex, ModifyTime };
}

/** The variable as GET answers it (no lock bookkeeping). */
export function publicVariable(variable: StoredVariable): Variable {
  return { ...metadataOf(variable), Items: variable.Items };
}

/**
 * Variables with check-and-set and locks (reference §8). Conflicts are 409 with the current variable as JSON.
 * Locks follow Nomad: a lock whose TTL runs out is removed by a write of its own (the ModifyIndex moves, so
 * blocking readers wake), and nobody may acquire it again until LockDelay has passed; a release frees it at once.
 */
export class VariableStore {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** `minLockTtlMs` lowers Nomad's 10 s floor so tests can exercise expiry quickly. */
  constructor(
    private readonly state: SimState,
    private readonly minLockTtlMs = NOMAD_MIN_LOCK_TTL_MS,
  ) {}

  /** Stops the expiry timers (the simulator is closing). */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  list(namespace: string, prefix: string): VariableMetadata[] {
    return [...this.state.variables.values()]
      .filter((v) => (namespace === '*' || v.Namespace === namespace) && v.Path.startsWith(prefix))
      .sort((a, b) => compare(a.Namespace, b.Namespace) || compare(a.Path, b.Path))
      .map((v) => metadataOf(this.expire(v)));
  }

  get(namespace: string, path: string): StoredVariable | undefined {
    const variable = this.state.variables.get(this.state.key(namespace, path));
    return variable && this.expire(variable);
  }

  /** A plain write; `cas` compares with ModifyIndex (0: create only). A locked variable needs its lock ID. */
  put(namespace: string, path: string, items: unknown, cas: number | undefined, lockId: string | undefined): Variable {
    checkPath(path);
    if (!items || typeof items !== 'object' || Array.isArray(items))
      throw new SimError(400, 'variable missing required Items object');
    checkItems(items as Record<string, string>);
    const existing = this.get(namespace, path);
    if (cas !== undefined && (existing?.ModifyIndex ?? 0) !== cas) this.conflict(existing, namespace, path);
    if (existing?.Lock && existing.Lock.ID !== lockId) this.conflict(existing, namespace, path);
    return publicVariable(this.save(namespace, path, items as Record<string, string>, existing?.Lock, existing));
  }

  delete(namespace: string, path: string, cas: number | undefined): number {
    const existing = this.get(namespace, path);
    if (cas !== undefined && (existing?.ModifyIndex ?? 0) !== cas) this.conflict(existing, namespace, path);
    if (existing?.Lock) this.conflict(existing, namespace, path);
    return this.state.commit(['vars'], () => {
      this.state.variables.delete(this.state.key(namespace, path));
    });
  }

  lock(op: LockOp, namespace: string, path: string, body: Record<string, unknown>): Variable | VariableMetadata {
    checkPath(path);
    const lock = (body.Lock ?? {}) as Record<string, unknown>;
    const existing = this.get(namespace, path);
    if (op === 'lock-acquire') return this.acquire(namespace, path, body, lock, existing);
    if (!existing?.Lock || existing.Lock.ID !== lock.ID) this.conflict(existing, namespace, path);
    if (op === 'lock-release' && body.Items !== undefined)
      throw new SimError(400, "lock release operation doesn't support setting items");
    const held = existing!;
    if (op === 'lock-renew') {
      const renewed = this.save(namespace, path, held.Items, held.Lock, held);
      this.arm(renewed, parseDuration(held.Lock!.TTL) / 1e6);
      return metadataOf(renewed);
    }
    // A release by the holder frees the lock at once: no lock-delay.
    const released = this.save(namespace, path, held.Items, undefined, { ...held, lockDelayUntil: undefined });
    this.disarm(released);
    return metadataOf(released);
  }

  private acquire(
    namespace: string,
    path: string,
    body: Record<string, unknown>,
    lock: Record<string, unknown>,
    existing: StoredVariable | undefined,
  ): Variable {
    if (existing?.Lock || (existing?.lockDelayUntil ?? 0) > Date.now()) this.conflict(existing, namespace, path);
    const ttl = durationText(lock.TTL ?? '15s');
    const delay = durationText(lock.LockDelay ?? '15s');
    for (const value of [ttl, delay]) {
      const ns = parseDuration(value);
      if (ns < this.minLockTtlMs * 1e6 || ns > MAX_TTL_NS)
        throw new SimError(400, `lock TTL and LockDelay must be between 10s and 24h, got ${value}`);
    }
    if (body.Items !== undefined) checkItems(body.Items as Record<string, string>);
    const items = (body.Items as Record<string, string> | undefined) ?? existing?.Items ?? {};
    const saved = this.save(namespace, path, items, { TTL: ttl, LockDelay: delay, ID: randomUUID() }, existing);
    this.arm(saved, parseDuration(ttl) / 1e6);
    return publicVariable(saved);
  }

  private save(
    namespace: string,
    path: string,
    items: Record<string, string>,
    lock: StoredVariable['Lock'],
    existing: StoredVariable | undefined,
  ): StoredVariable {
    let saved!: StoredVariable;
    this.state.commit(['vars'], (index) => {
      const now = nowNs();
      saved = {
        Namespace: namespace,
        Path: path,
        Items: { ...items },
        CreateIndex: existing?.CreateIndex ?? index,
        CreateTime: existing?.CreateTime ?? now,
        ModifyIndex: index,
        ModifyTime: now,
        ...(lock ? { Lock: lock } : {}),
        lockExpiresAt: lock ? existing?.lockExpiresAt : undefined,
        // A plain write during the lock-delay does not shorten it.
        lockDelayUntil: lock ? undefined : existing?.lockDelayUntil,
      };
      this.state.variables.set(this.state.key(namespace, path), saved);
    });
    return saved;
  }

  /** (Re)starts the TTL clock of a held lock; the timer removes the lock even if nobody reads the variable. */
  private arm(variable: StoredVariable, ttlMs: number): void {
    variable.lockExpiresAt = Date.now() + ttlMs;
    this.disarm(variable);
    const key = this.state.key(variable.Namespace, variable.Path);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const current = this.state.variables.get(key);
      if (current) this.expire(current);
    }, ttlMs + 1);
    timer.unref();
    this.timers.set(key, timer);
  }

  private disarm(variable: StoredVariable): void {
    const key = this.state.key(variable.Namespace, variable.Path);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /** A lock whose TTL ran out is removed by a write (as Nomad's TTL timer does); LockDelay starts then. */
  private expire(variable: StoredVariable): StoredVariable {
    if (!variable.Lock || !variable.lockExpiresAt || variable.lockExpiresAt > Date.now()) return variable;
    const delayUntil = variable.lockExpiresAt + parseDuration(variable.Lock.LockDelay) / 1e6;
    return this.save(variable.Namespace, variable.Path, variable.Items, undefined, {
      ...variable,
      lockDelayUntil: delayUntil,
    });
  }

  private conflict(existing: StoredVariable | undefined, namespace: string, path: string): never {
    const current = existing
      ? publicVariable(existing)
      : { Namespace: namespace, Path: path, CreateIndex: 0, CreateTime: 0, ModifyIndex: 0, ModifyTime: 0, Items: {} };
    throw new SimError(409, 'conflict', current);
  }
}

function checkPath(path: string): void {
  if (path === '') throw new SimError(400, 'missing variable path');
  if (!PATH_RE.test(path)) throw new SimError(400, `invalid path "${path}"`);
}

function checkItems(items: Record<string, string>): void {
  const size = Object.entries(items).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
    0,
  );
  if (size > MAX_ITEMS_BYTES)
    throw new SimError(400, `variables are limited to ${MAX_ITEMS_BYTES} bytes in total size`);
}

function durationText(value: unknown): string {
  return typeof value === 'number' ? `${value / 1e9}s` : String(value);
}
