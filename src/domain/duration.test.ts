import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs, formatDuration, parseDuration, parseLifetimeMs } from './duration.js';

test('parses Go durations into nanoseconds', () => {
  assert.equal(parseDuration('30s'), 30e9);
  assert.equal(parseDuration('1h30m'), 5400e9);
  assert.equal(parseDuration('250ms'), 250e6);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('-2m'), -120e9);
  assert.equal(parseDuration('0'), 0);
});

test('rejects what Go rejects', () => {
  for (const bad of ['', '10', '5 m', '1d', 's', '1h-2m']) {
    assert.throws(() => parseDuration(bad), /invalid duration/, bad);
  }
});

test('formatDuration writes milliseconds back as a short Go duration', () => {
  assert.equal(formatDuration(180_000), '3m');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(durationMs(formatDuration(3_723_000)), 3_723_000);
});

test('parseLifetimeMs reads days and weeks as well as Go durations, and refuses zero or junk', () => {
  assert.equal(parseLifetimeMs('30d'), 30 * 86_400_000);
  assert.equal(parseLifetimeMs('2w'), 14 * 86_400_000);
  assert.equal(parseLifetimeMs('1d12h'), 36 * 3_600_000);
  assert.equal(parseLifetimeMs('90m'), 90 * 60_000);
  for (const bad of ['', 'd', '0s', '0d', '-1h', '3 days', '1x']) assert.throws(() => parseLifetimeMs(bad), /duration/);
});
