import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSnapshot, type RenderOptions } from './render.js';
import { formatIssue } from './errors.js';

// Each folder of test/fixtures/render is one case: job files (and var-files), optional
// options.json ({vars, varFiles, env}), and the expected output: expected.json (the jobs) or
// errors.txt (one file:line:col line per issue). UPDATE_FIXTURES=1 rewrites the expectations.
const ROOT = 'test/fixtures/render';
const CONTROL = new Set(['options.json', 'expected.json', 'errors.txt']);

for (const name of readdirSync(ROOT).sort()) {
  const dir = join(ROOT, name);
  test(`fixture ${name}`, () => {
    const files = new Map<string, Buffer>();
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && !CONTROL.has(entry.name))
        files.set(
          join(entry.parentPath, entry.name).slice(ROOT.length + 1),
          readFileSync(join(entry.parentPath, entry.name)),
        );
    }
    const raw = existsSync(join(dir, 'options.json'))
      ? (JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as Omit<RenderOptions, 'defaultNamespace'>)
      : {};
    const options: RenderOptions = {
      ...raw,
      defaultNamespace: 'default',
      varFiles: raw.varFiles?.map((f) => (typeof f === 'string' ? `${name}/${f}` : f)),
    };
    const result = renderSnapshot(
      {
        repoURL: 'fixture',
        revision: 'x',
        commit: { sha: 'x', author: '', authorEmail: '', date: '', subject: '' },
        files,
      },
      options,
    );
    const errorsFile = join(dir, 'errors.txt');
    const expectedFile = join(dir, 'expected.json');
    const actualErrors = result.issues.map(formatIssue).join('\n') + '\n';
    const actualJobs =
      JSON.stringify(
        result.jobs.map((job) => job.job),
        null,
        2,
      ) + '\n';
    if (process.env.UPDATE_FIXTURES === '1') {
      rmSync(result.issues.length > 0 ? expectedFile : errorsFile, { force: true });
      writeFileSync(
        result.issues.length > 0 ? errorsFile : expectedFile,
        result.issues.length > 0 ? actualErrors : actualJobs,
      );
    }
    if (existsSync(errorsFile)) assert.equal(actualErrors, readFileSync(errorsFile, 'utf8'));
    else assert.equal(actualJobs, readFileSync(expectedFile, 'utf8'));
  });
}
