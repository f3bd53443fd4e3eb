import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCommand, validateCommand } from './render.js';

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    } as NodeJS.WritableStream,
    text: () => text,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'drover-render-cli-'));
writeFileSync(
  join(dir, 'web.nomad.hcl'),
  `variable "image" {
  type = string
}
variable "count" {
  type    = number
  default = 1
}
job "web" {
  group "g" {
    count = var.count
    task "t" {
      driver = "docker"
      config {
        image = var.image
      }
    }
  }
}
`,
);
const varFile = join(dir, 'extra.vars.hcl');
writeFileSync(varFile, 'image = "from-file"\ncount = 2\n');

test('render prints an array of API jobs; --var beats --var-file', () => {
  const out = sink();
  const err = sink();
  assert.equal(
    renderCommand([dir], { var: ['image=from-flag'], varFile: [varFile] }, out.stream, err.stream),
    0,
    err.text(),
  );
  const jobs = JSON.parse(out.text()) as Array<Record<string, unknown>>;
  assert.equal(jobs.length, 1);
  const group = (jobs[0]!.TaskGroups as Array<Record<string, unknown>>)[0]!;
  assert.equal(group.Count, 2);
  assert.equal(
    ((group.Tasks as Array<Record<string, unknown>>)[0]!.Config as Record<string, unknown>).image,
    'from-flag',
  );
  assert.equal(jobs[0]!.Priority, undefined, 'not canonicalized by default');
});

test('render --canonical applies the defaults /v1/jobs/parse applies', () => {
  const out = sink();
  assert.equal(renderCommand([dir], { var: ['image=x'], canonical: true }, out.stream, sink().stream), 0);
  const job = (JSON.parse(out.text()) as Array<Record<string, unknown>>)[0]!;
  assert.equal(job.Priority, 50);
  assert.equal(job.Type, 'service');
});

test('validate exits 0 when every file renders, 1 with file:line:col lines otherwise', () => {
  const ok = sink();
  assert.equal(validateCommand([dir], { var: ['image=x'] }, ok.stream, sink().stream), 0);
  assert.equal(ok.text(), '1 job(s) valid\n');
  const err = sink();
  assert.equal(validateCommand([dir], {}, sink().stream, err.stream), 1);
  assert.match(err.text(), /web\.nomad\.hcl:1:1: Unset variable "image"/);
  const bad = sink();
  assert.equal(validateCommand([dir], { var: ['novalue'] }, sink().stream, bad.stream), 1);
  assert.equal(bad.text(), 'drover: --var "novalue": expected name=value\n', 'a one-line error, no stack trace');
  const missing = sink();
  assert.equal(validateCommand([dir], { varFile: [join(dir, 'nope.vars.hcl')] }, sink().stream, missing.stream), 1);
  assert.equal(missing.text(), `drover: --var-file ${join(dir, 'nope.vars.hcl')}: no such file\n`);
});

test('validate reads a file named explicitly whatever its extension', () => {
  const file = join(dir, 'legacy.job');
  writeFileSync(file, 'job "legacy" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n    }\n  }\n}\n');
  const out = sink();
  assert.equal(validateCommand([file], {}, out.stream, sink().stream), 0);
  assert.equal(out.text(), '1 job(s) valid\n');
});

test('validate refuses a missing path and a directory without job files, with no stack trace', () => {
  const err = sink();
  assert.equal(validateCommand([join(dir, 'missing/')], {}, sink().stream, err.stream), 1);
  assert.equal(err.text(), `drover: ${join(dir, 'missing/')}: no such file or directory\n`);
  const empty = mkdtempSync(join(tmpdir(), 'drover-render-cli-empty-'));
  writeFileSync(join(empty, 'README.md'), '# not a job\n');
  const none = sink();
  assert.equal(validateCommand([empty], {}, sink().stream, none.stream), 1);
  assert.match(none.text(), /^drover: .*: no job files here/);
});
