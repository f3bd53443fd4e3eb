import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSpec, AppStatus } from '../domain/app.js';
import { dependentsToWake, notReady, unreadyDependencies } from './dependencies.js';

const status = (over: Partial<AppStatus> & { waiting?: boolean } = {}): AppStatus => ({
  sync: { status: 'Synced', revision: 'a'.repeat(40), targetRevision: 'a'.repeat(40) },
  health: { status: 'Healthy' },
  jobs: [],
  conditions: over.waiting ? [{ type: 'WaitingForDependency', message: '...' }] : [],
  ...over,
});
const spec = (name: string, dependsOn?: string[]) => ({ name, ...(dependsOn ? { dependsOn } : {}) }) as AppSpec;

test('a dependency is ready only when Synced and Healthy at the revision git points at', () => {
  assert.equal(notReady(status()), undefined);
  assert.equal(notReady(undefined), 'not reconciled yet');
  assert.equal(notReady(status({ health: { status: 'Progressing' } })), 'Progressing');
  assert.equal(notReady(status({ sync: { status: 'OutOfSync' } })), 'OutOfSync');
  const behind = status({ sync: { status: 'Synced', revision: 'a'.repeat(40), targetRevision: 'b'.repeat(40) } });
  assert.equal(notReady(behind), 'Synced at aaaaaaaaaaaa, not at bbbbbbbbbbbb');
});

test('the unready dependencies are named with why', () => {
  const statuses: Record<string, AppStatus> = { db: status({ health: { status: 'Degraded' } }), cache: status() };
  assert.deepEqual(
    unreadyDependencies(spec('web', ['db', 'cache', 'queue']), (n) => statuses[n]),
    ['db (Degraded)', 'queue (not reconciled yet)'],
  );
});

test('an app that becomes ready wakes the waiting dependents whose dependencies are all ready', () => {
  const specs = [spec('db'), spec('web', ['db']), spec('api', ['db', 'cache']), spec('idle', ['db'])];
  const statuses: Record<string, AppStatus> = {
    db: status(),
    web: status({ waiting: true }),
    api: status({ waiting: true }),
    cache: status({ health: { status: 'Progressing' } }),
    idle: status(),
  };
  const of = (n: string) => statuses[n];
  assert.deepEqual(dependentsToWake(specs, 'db', statuses.db!, of), ['web']);
  assert.deepEqual(dependentsToWake(specs, 'db', status({ health: { status: 'Progressing' } }), of), []);
});

test('a dependency still reconciling is not ready; a dependent reconciling when it becomes ready is woken too', () => {
  const statuses: Record<string, AppStatus> = { db: status(), web: status(), api: status({ waiting: true }) };
  const of = (n: string) => statuses[n];
  assert.deepEqual(
    unreadyDependencies(spec('web', ['db']), of, (n) => n === 'db'),
    ['db (reconciling)'],
  );
  const specs = [spec('db'), spec('web', ['db']), spec('api', ['db'])];
  // db itself is still marked running while its outcome is handled: that does not count.
  assert.deepEqual(
    dependentsToWake(specs, 'db', statuses.db!, of, (n) => n === 'db' || n === 'web'),
    ['web', 'api'],
  );
});
