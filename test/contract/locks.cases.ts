import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VariableConflictError } from '../../src/nomad/index.js';
import { until, type Target } from './target.js';

/**
 * The lock's timing as Nomad has it: `ttl` and `lockDelay` are what the target accepts
 * (Nomad's floor is 10 s; the simulator's contract target lowers it so expiry is quick to see).
 */
export type LockTiming = { ttl: string; ttlMs: number; lockDelay: string; lockDelayMs: number };

/** The simulator runs the lock cases with this floor; a real agent needs Nomad's 10 s. */
export const SIM_LOCK_TIMING: LockTiming = { ttl: '1s', ttlMs: 1000, lockDelay: '1s', lockDelayMs: 1000 };
export const NOMAD_LOCK_TIMING: LockTiming = { ttl: '10s', ttlMs: 10_000, lockDelay: '10s', lockDelayMs: 10_000 };

const conflict = (error: unknown) => error instanceof VariableConflictError;

/** Variable locks: items under a lock, reads showing the lock, expiry, lock-delay, release without delay. */
export function lockCases(target: () => Target, timing: () => LockTiming): void {
  test('locks: the holder writes items with its lock ID; others get 409 with the variable; reads show the lock', async () => {
    const { nomad, name } = target();
    const path = `drover/${name('lock-items')}`;
    const { ttl, lockDelay } = timing();
    const held = await nomad.variables.acquireLock(path, { ttl, lockDelay, items: { leader: 'a' } });
    const lockId = held.Lock!.ID!;
    assert.deepEqual(held.Items, { leader: 'a' });
    const read = (await nomad.variables.read(path)).variable!;
    assert.deepEqual([read.Lock?.TTL, read.Lock?.LockDelay, read.Items], [ttl, lockDelay, { leader: 'a' }]);
    await assert.rejects(nomad.variables.acquireLock(path, { ttl, lockDelay }), (error: VariableConflictError) => {
      assert.ok(conflict(error));
      assert.deepEqual(error.current.Path, path);
      assert.deepEqual((error.current as { Items?: unknown }).Items, { leader: 'a' }, 'the conflict names the holder');
      return true;
    });
    await assert.rejects(nomad.variables.releaseLock(path, 'not-the-lock'), conflict);
    await assert.rejects(nomad.variables.delete(path), conflict);
    await assert.rejects(nomad.variables.put(path, { leader: 'c' }, { lockId: 'not-the-lock' }), conflict);
    await nomad.variables.put(path, { leader: 'b' }, { lockId });
    const after = (await nomad.variables.read(path)).variable!;
    assert.deepEqual([after.Items, after.Lock?.TTL], [{ leader: 'b' }, ttl], 'the lock stays on');
    await nomad.variables.releaseLock(path, lockId);
    await nomad.variables.delete(path);
  });

  test('locks: a release frees the lock at once, with no lock-delay', async () => {
    const { nomad, name } = target();
    const path = `drover/${name('lock-release')}`;
    const { ttl, lockDelay } = timing();
    const first = await nomad.variables.acquireLock(path, { ttl, lockDelay });
    const released = await nomad.variables.releaseLock(path, first.Lock!.ID!);
    assert.equal(released.Lock, undefined);
    assert.equal((await nomad.variables.read(path)).variable?.Lock, undefined);
    const second = await nomad.variables.acquireLock(path, { ttl, lockDelay });
    assert.notEqual(second.Lock!.ID, first.Lock!.ID, 'a new holder gets a new lock ID');
    await assert.rejects(nomad.variables.renewLock(path, first.Lock!.ID!), conflict, 'the old ID no longer renews');
    await nomad.variables.releaseLock(path, second.Lock!.ID!);
    await nomad.variables.delete(path);
  });

  test('locks: an unrenewed lock expires (a write of its own), then stays unlockable for the lock-delay', async () => {
    const { nomad, name } = target();
    const path = `drover/${name('lock-expiry')}`;
    const { ttl, lockDelay, ttlMs, lockDelayMs } = timing();
    const held = await nomad.variables.acquireLock(path, { ttl, lockDelay, items: { leader: 'a' } });
    const renewed = await nomad.variables.renewLock(path, held.Lock!.ID!);
    assert.ok(renewed.ModifyIndex >= held.ModifyIndex);
    assert.equal('Items' in renewed, false, 'renew answers metadata only');
    // Expiry shows as a change of the variable, so a blocking read wakes for it.
    const expired = await until(
      'the lock to expire',
      async () => {
        const { variable } = await nomad.variables.read(path, { index: renewed.ModifyIndex, wait: '5s' });
        return variable && !variable.Lock ? variable : undefined;
      },
      ttlMs * 3 + 10_000,
    );
    assert.ok(expired.ModifyIndex > renewed.ModifyIndex);
    assert.deepEqual(expired.Items, { leader: 'a' }, 'expiry keeps the items');
    await assert.rejects(
      nomad.variables.renewLock(path, held.Lock!.ID!),
      conflict,
      'an expired lock cannot be renewed',
    );
    await assert.rejects(nomad.variables.acquireLock(path, { ttl, lockDelay }), conflict, 'lock-delay holds it');
    const again = await until(
      'the lock-delay to pass',
      async () => {
        try {
          return await nomad.variables.acquireLock(path, { ttl, lockDelay });
        } catch (error) {
          if (conflict(error)) return undefined;
          throw error;
        }
      },
      lockDelayMs * 3 + 10_000,
    );
    assert.ok(again.Lock?.ID);
    await nomad.variables.releaseLock(path, again.Lock!.ID!);
    await nomad.variables.delete(path);
  });

  test('locks: TTL and LockDelay below the floor are refused with 400', async () => {
    const { nomad, name } = target();
    await assert.rejects(nomad.variables.acquireLock(`drover/${name('lock-short')}`, { ttl: '1ms' }), /400/);
  });
}
