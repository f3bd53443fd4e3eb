import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJsonJob } from './json.js';
import { renderSnapshot } from './render.js';
import { formatIssue } from './errors.js';

test('accepts the wrapped and the bare job form', () => {
  assert.equal(renderJsonJob('a.json', '{"Job": {"ID": "a"}}').job?.ID, 'a');
  assert.equal(renderJsonJob('b.json', '{"ID": "b", "TaskGroups": []}').job?.ID, 'b');
});

test('keys api.Job no longer has are dropped, as Nomad drops them; known keys stay', () => {
  const { job } = renderJsonJob(
    'a.json',
    '{"Job": {"ID": "a", "ConsulToken": "secret", "VaultToken": "v", "Bogus": 1, "Stop": true, "Meta": {"k": "v"}}}',
  );
  assert.deepEqual(job, { ID: 'a', Stop: true, Meta: { k: 'v' } });
});

test('syntax errors carry file, line and column', () => {
  const { issues } = renderJsonJob('jobs/web.json', '{\n  "Job": {\n    "ID": "web",\n  }\n}');
  assert.equal(issues.length, 1);
  assert.match(formatIssue(issues[0]!), /^jobs\/web\.json:4:3: invalid JSON/);
});

test('a job without an ID names the field', () => {
  const { issues } = renderJsonJob('x.json', '{"Job": {\n"Name": "x", "Meta": {"a": 1}}}');
  assert.deepEqual(
    issues.map((i) => i.message),
    ['field "ID": a job needs a non-empty string ID', 'field "Meta": expected an object of strings'],
  );
  assert.equal(issues[1]!.line, 2);
});

test('one bad file fails the whole set, and duplicate IDs are refused', () => {
  const files = new Map([
    ['jobs/a.json', Buffer.from('{"ID": "a"}')],
    ['jobs/b.json', Buffer.from('{"ID": "a"}')],
    ['jobs/notes.txt', Buffer.from('ignored')],
    ['jobs/prod.vars.json', Buffer.from('{"x": 1}')],
  ]);
  const result = renderSnapshot(
    { repoURL: 'r', revision: 'x', commit: { sha: 'x', author: '', authorEmail: '', date: '', subject: '' }, files },
    { defaultNamespace: 'default' },
  );
  assert.deepEqual(result.jobs, []);
  assert.match(result.issues[0]!.message, /job "a" in namespace "default" is also defined in jobs\/a\.json/);
});
