import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobFormat } from './select.js';
import { renderSnapshot } from './render.js';

const JOB = (id: string) => `job "${id}" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n    }\n  }\n}\n`;

test('the default selection takes HCL job names and JSON, never var-files', () => {
  assert.equal(jobFormat('apps/a.nomad.hcl', {}), 'hcl');
  assert.equal(jobFormat('apps/a.nomad', {}), 'hcl');
  assert.equal(jobFormat('apps/a.hcl', {}), 'hcl');
  assert.equal(jobFormat('apps/a.json', {}), 'json');
  assert.equal(jobFormat('apps/a.job', {}), undefined);
  assert.equal(jobFormat('apps/prod.vars.hcl', {}), undefined);
  assert.equal(jobFormat('apps/a.hcl', { varFiles: new Set(['apps/a.hcl']) }), undefined);
});

test('include and exclude globs are relative to the app path; exclude wins', () => {
  const select = { root: 'apps', include: ['*.job', '**/*.nomad.hcl'], exclude: ['templates/**'] };
  assert.equal(jobFormat('apps/web.job', select), 'hcl');
  assert.equal(jobFormat('apps/deep/er/api.nomad.hcl', select), 'hcl');
  assert.equal(jobFormat('apps/templates/base.nomad.hcl', select), undefined);
  assert.equal(jobFormat('apps/other.hcl', select), undefined, 'include replaces the default names');
  assert.equal(jobFormat('apps/deep/web.job', select), undefined, '* does not cross a /');
});

test('a JSON file read with file() is data, not a job; an excluded one is not a job either', () => {
  const files = new Map([
    [
      'app/web.nomad.hcl',
      Buffer.from(
        'locals { cfg = jsondecode(file("cfg.json")) }\n' +
          'job "web" {\n  meta {\n    color = local.cfg.color\n  }\n  group "g" {\n    task "t" {\n      driver = "exec"\n    }\n  }\n}\n',
      ),
    ],
    ['app/cfg.json', Buffer.from('{"color": "blue"}')],
    ['app/data/seed.json', Buffer.from('{"rows": []}')],
    ['app/other.json', Buffer.from('{"ID": "other"}')],
  ]);
  const snapshot = {
    repoURL: 'x',
    revision: 'x',
    commit: { sha: 'x', author: '', authorEmail: '', date: '', subject: '' },
    files,
  };
  const result = renderSnapshot(snapshot, {
    defaultNamespace: 'default',
    select: { root: 'app', exclude: ['data/**'] },
  });
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.jobs.map((job) => job.id).sort(), ['other', 'web']);
  assert.deepEqual(result.jobs.find((job) => job.id === 'web')!.job.Meta, { color: 'blue' });
});

test('an app including *.job renders those files as HCL2', () => {
  const files = new Map([['a/legacy.job', Buffer.from(JOB('legacy'))]]);
  const snapshot = {
    repoURL: 'x',
    revision: 'x',
    commit: { sha: 'x', author: '', authorEmail: '', date: '', subject: '' },
    files,
  };
  assert.deepEqual(renderSnapshot(snapshot, { defaultNamespace: 'default' }).jobs, []);
  const included = renderSnapshot(snapshot, { defaultNamespace: 'default', select: { root: 'a', include: ['*.job'] } });
  assert.deepEqual(
    included.jobs.map((job) => job.id),
    ['legacy'],
  );
});
