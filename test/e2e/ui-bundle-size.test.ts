import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { WEB_DIST } from '../../src/server/static-ui.js';

test('given the built UI, the JavaScript of the first page load stays within 200 KiB gzipped', () => {
  const out = execFileSync(process.execPath, [join(WEB_DIST, '..', 'check-size.mjs')], { encoding: 'utf8' });
  const kib = Number(/initial JavaScript: ([\d.]+) KiB/.exec(out)?.[1]);
  assert.ok(kib > 0 && kib <= 200, out);
});
