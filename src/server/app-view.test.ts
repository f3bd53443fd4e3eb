import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownStatus } from '../domain/app.js';
import { testAppSpec } from '../../test/helpers/app-spec.js';
import { appListBody, appViewJSON, toAppView } from './app-view.js';

const spec = (name: string) =>
  testAppSpec(name, {
    source: { repoURL: 'https://ops:secret@git.example.com/jobs.git', revision: 'main', path: name },
  });

test('the cached app JSON equals the view, follows a new status, and the list body is reused while nothing changed', () => {
  const web = spec('web');
  const status = unknownStatus();
  const first = appViewJSON(web, status);
  assert.deepEqual(JSON.parse(first), JSON.parse(JSON.stringify(toAppView(web, status))));
  assert.doesNotMatch(first, /secret/);
  assert.equal(appViewJSON(web, status), first, 'same status object: same string');
  const moved = { ...status, sync: { status: 'Synced' as const } };
  assert.equal(JSON.parse(appViewJSON(web, moved)).status.sync.status, 'Synced');

  const parts = [first, appViewJSON(spec('api'), status)];
  const body = appListBody(parts);
  assert.equal(appListBody([...parts]), body, 'the same texts reuse the encoded body');
  assert.notEqual(appListBody([parts[0]!]), body);
  assert.deepEqual(
    JSON.parse(new TextDecoder().decode(appListBody(parts))).apps.map((a: { name: string }) => a.name),
    ['web', 'api'],
  );
});
