import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileToken } from './token.js';

test('a token file is re-read when it changes, and the last token is kept while it is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-token-'));
  try {
    const path = join(dir, 'token');
    writeFileSync(path, 'first-secret\n');
    const token = fileToken(path);
    assert.equal(token(), 'first-secret');
    // Rotation the way tools do it: write a new file and rename it over the old one.
    writeFileSync(join(dir, 'next'), 'second-secret-longer\n');
    renameSync(join(dir, 'next'), path);
    assert.equal(token(), 'second-secret-longer');
    rmSync(path);
    assert.equal(token(), 'second-secret-longer');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
