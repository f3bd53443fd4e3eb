import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeUntil, evaluateWindows, nextStart, windowsFor, type SyncWindow } from './sync-window.js';

const window = (over: Partial<SyncWindow>): SyncWindow => ({
  kind: 'deny',
  schedule: '0 22 * * *',
  duration: '2h',
  durationMs: 2 * 3600_000,
  apps: ['*'],
  manualSync: false,
  timeZone: 'UTC',
  ...over,
});
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

test('a window is active from each start for its duration, the end excluded', () => {
  const deny = window({});
  assert.equal(activeUntil(deny, at('2026-03-02T21:59:59Z')), undefined);
  assert.equal(iso(activeUntil(deny, at('2026-03-02T22:00:00Z'))), '2026-03-03T00:00:00.000Z');
  assert.equal(iso(activeUntil(deny, at('2026-03-02T23:59:59Z'))), '2026-03-03T00:00:00.000Z');
  assert.equal(activeUntil(deny, at('2026-03-03T00:00:00Z')), undefined);
  assert.equal(iso(nextStart(deny, at('2026-03-02T22:00:00Z'))), '2026-03-03T22:00:00.000Z');
});

test('a schedule is read in its time zone', () => {
  const paris = window({ timeZone: 'Europe/Paris' });
  // 22:00 in Paris is 21:00 UTC in winter.
  assert.equal(iso(activeUntil(paris, at('2026-01-05T21:30:00Z'))), '2026-01-05T23:00:00.000Z');
});

test('no window: syncs run; a deny window holds them until it ends', () => {
  assert.deepEqual(evaluateWindows([], at('2026-03-02T23:00:00Z')), { allowed: true, manualAllowed: true });
  const verdict = evaluateWindows([window({})], at('2026-03-02T23:00:00Z'));
  assert.equal(verdict.allowed, false);
  assert.equal(verdict.manualAllowed, false);
  assert.equal(iso(verdict.until), '2026-03-03T00:00:00.000Z');
  assert.match(verdict.reason!, /inside deny window "0 22 \* \* \*" for 2h/);
  assert.equal(evaluateWindows([window({})], at('2026-03-03T00:00:00Z')).allowed, true);
});

test('with an allow window, syncs run only inside it; deny wins where both are active', () => {
  const allow = window({ kind: 'allow', schedule: '0 6 * * *', duration: '12h', durationMs: 12 * 3600_000 });
  const outside = evaluateWindows([allow], at('2026-03-02T19:00:00Z'));
  assert.equal(outside.allowed, false);
  assert.equal(iso(outside.until), '2026-03-03T06:00:00.000Z');
  assert.equal(evaluateWindows([allow], at('2026-03-02T07:00:00Z')).allowed, true);
  const lunch = window({ schedule: '0 12 * * *', duration: '1h', durationMs: 3600_000 });
  const both = evaluateWindows([allow, lunch], at('2026-03-02T12:30:00Z'));
  assert.equal(both.allowed, false);
  assert.equal(iso(both.until), '2026-03-02T13:00:00.000Z');
});

test('the opening is the first moment no deny is active and an allow is: overlapping windows are stepped over', () => {
  const allow = window({ kind: 'allow', schedule: '0 8 * * *', duration: '1h', durationMs: 3600_000 });
  // A deny covering the whole allow window on the 3rd (a Tuesday), so the next opening is the 4th.
  const tuesday = window({ schedule: '0 7 * * 2', duration: '3h', durationMs: 3 * 3600_000 });
  const verdict = evaluateWindows([allow, tuesday], at('2026-03-02T10:00:00Z'));
  assert.equal(iso(verdict.until), '2026-03-04T08:00:00.000Z');
});

test('manual syncs: allowed when every holding deny window, or some allow window, says manual_sync', () => {
  const t = at('2026-03-02T23:00:00Z');
  assert.equal(evaluateWindows([window({ manualSync: true })], t).manualAllowed, true);
  assert.equal(
    evaluateWindows([window({ manualSync: true }), window({ schedule: '30 22 * * *' })], t).manualAllowed,
    false,
  );
  const allow = window({
    kind: 'allow',
    schedule: '0 6 * * *',
    duration: '1h',
    durationMs: 3600_000,
    manualSync: true,
  });
  assert.equal(evaluateWindows([allow], t).manualAllowed, true);
});

test('windows name apps by glob', () => {
  const windows = [window({ apps: ['shop-*'] }), window({ apps: ['web'] })];
  assert.equal(windowsFor(windows, 'shop-cart').length, 1);
  assert.equal(windowsFor(windows, 'web').length, 1);
  assert.equal(windowsFor(windows, 'billing').length, 0);
});
