import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHclJob } from './job.js';

// Fuzz-style robustness: truncated and mutated job files must give located errors (or a job),
// never an exception or a hang. A fixed seed keeps every run identical.
const ROOT = 'test/fixtures/render';
const corpus = readdirSync(ROOT).flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.(hcl|nomad)$/.test(f))
    .map((f) => readFileSync(join(ROOT, dir, f), 'utf8')),
);

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function assertClean(src: string): void {
  const result = renderHclJob('fuzz.nomad.hcl', src);
  for (const problem of result.problems) {
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.message.length > 0);
  }
  assert.ok(result.job !== undefined || result.problems.length > 0);
}

test('every prefix of every corpus file renders or fails cleanly', () => {
  for (const src of corpus) for (let end = 0; end < src.length; end += 11) assertClean(src.slice(0, end));
});

test('random mutations render or fail cleanly', () => {
  const next = random(42);
  const alphabet = [
    '{',
    '}',
    '[',
    ']',
    '(',
    ')',
    '"',
    '$',
    '{',
    '%',
    '~',
    '\n',
    '=',
    '.',
    '*',
    ',',
    ':',
    '?',
    '<<',
    '#',
    '/*',
    '\\',
    'for',
    'in',
    '0',
    'x',
  ];
  for (let round = 0; round < 1500; round++) {
    const src = corpus[Math.floor(next() * corpus.length)]!;
    let mutated = src;
    for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits--) {
      const at = Math.floor(next() * mutated.length);
      const piece = alphabet[Math.floor(next() * alphabet.length)]!;
      mutated =
        next() < 0.5
          ? mutated.slice(0, at) + piece + mutated.slice(at)
          : mutated.slice(0, at) + mutated.slice(at + 1 + Math.floor(next() * 5));
    }
    assertClean(mutated);
  }
});

test('hostile nesting fails with an error instead of overflowing the stack', () => {
  for (const src of [
    `job "x" { meta = { a = ${'('.repeat(5000)}1${')'.repeat(5000)} } }`,
    `job "x" { priority = ${'-'.repeat(5000)}1 }`,
    `job "x" { meta = ${'['.repeat(3000)} }`,
  ]) {
    const result = renderHclJob('deep.hcl', src);
    assert.match(result.problems[0]?.message ?? '', /too deeply nested/);
  }
});
