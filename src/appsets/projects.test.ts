import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSpec, ProjectSpec } from '../domain/app.js';
import type { DesiredJob } from '../domain/job.js';
import { testAppSpec } from '../../test/helpers/app-spec.js';
import { checkProjectJobs, checkProjectSource, globMatch } from './projects.js';

function app(project: ProjectSpec | undefined, destination = { cluster: 'default', namespace: 'team-a' }): AppSpec {
  return testAppSpec('billing', {
    ...(project ? { project } : {}),
    source: { repoURL: 'git@git.example.com:team-a/jobs.git', revision: 'main', path: 'billing' },
    destination,
    syncPolicy: { retry: { limit: 1, backoffMs: 1, factor: 1, maxBackoffMs: 1 } },
    historyLimit: 10,
  });
}

const job = (id: string, namespace = 'team-a') => ({ id, namespace, job: {} }) as unknown as DesiredJob;

const teamA: ProjectSpec = {
  name: 'team-a',
  repositories: ['git.example.com/team-a/*'],
  destinations: [{ cluster: 'default', namespace: 'team-a*' }],
  jobs: ['team-a-*', 'billing'],
};

test('an app without a project, or inside its project, passes', () => {
  checkProjectSource(app(undefined));
  checkProjectJobs(app(undefined), [job('anything', 'anywhere')]);
  checkProjectSource(app(teamA, { cluster: 'default', namespace: 'team-a-prod' }));
  checkProjectJobs(app(teamA), [job('billing'), job('team-a-worker', 'team-a-batch')]);
});

test('a repository, destination, job namespace or job ID outside the project is refused, naming the rule', () => {
  assert.throws(
    () =>
      checkProjectSource({
        ...app(teamA),
        source: { ...app(teamA).source, repoURL: 'https://git.example.com/team-b/jobs' },
      }),
    (error: Error & { code?: string }) =>
      error.code === 'DROVER_ERR_PROJECT' &&
      /repository git\.example\.com\/team-b\/jobs is not in its repositories \(git\.example\.com\/team-a\/\*\)/.test(
        error.message,
      ),
  );
  assert.throws(
    () => checkProjectSource(app(teamA, { cluster: 'edge', namespace: 'team-a' })),
    /destination edge\/team-a is not one of its destinations \(default\/team-a\*\)/,
  );
  assert.throws(
    () => checkProjectJobs(app(teamA), [job('billing', 'team-b')]),
    /job "billing" targets namespace "team-b"/,
  );
  assert.throws(
    () => checkProjectJobs(app(teamA), [job('team-b-api')]),
    /job ID "team-b-api" matches none of its jobs/,
  );
  assert.throws(
    () => checkProjectSource(app({ name: 'none', destinations: [] })),
    /is not one of its destinations \(none\)/,
  );
});

test('name globs: * is any run of characters, ? one, everything else literal', () => {
  assert.deepEqual(
    [globMatch('team-*', 'team-a/x'), globMatch('team-?', 'team-ab'), globMatch('a.b', 'axb'), globMatch('*', '')],
    [true, false, false, true],
  );
});
