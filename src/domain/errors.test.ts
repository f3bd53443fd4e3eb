import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ERRORS, type ErrorCode } from './errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

test('docs/errors.md lists every code of the catalogue with its status and kind', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\|\s*`(DROVER_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*(\w+)\s*\|(.+)\|$/gm)].map((m) => [m[1]!, m]),
  );
  for (const [code, { status, kind }] of Object.entries(ERRORS)) {
    const row = rows.get(code);
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.equal(Number(row[2]), status, `${code}: status in docs/errors.md`);
    assert.equal(row[3], kind, `${code}: kind in docs/errors.md`);
  }
  for (const code of rows.keys())
    assert.ok(code in ERRORS, `docs/errors.md lists ${code}, which is not in the catalogue`);
});

test('every DROVER_ERR_ code the source names is in the catalogue', () => {
  for (const file of [...sources(join(root, 'src')), ...sources(join(root, 'sim'))]) {
    for (const [code] of readFileSync(file, 'utf8').matchAll(/DROVER_ERR_[A-Z_]+/g)) {
      assert.ok(code in ERRORS, `${file} uses ${code}, which is not in src/domain/errors.ts`);
      void (code as ErrorCode);
    }
  }
});
