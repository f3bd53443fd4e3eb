import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSources } from './sources.js';

test('apps are grouped by repository whatever URL spelling they use; bare app URLs poll at the default interval', () => {
  const plan = planSources(
    [
      { url: 'git@git.example.com:org/jobs.git', pollIntervalMs: 60_000, credentials: { sshKeyFile: '/k' } },
      { url: 'https://git.example.com/org/unused', pollIntervalMs: 1_000 },
    ],
    [
      { source: { repoURL: 'https://git.example.com/org/jobs', revision: 'main' } },
      { source: { repoURL: 'ssh://git@git.example.com/org/jobs', revision: 'v1' } },
      { source: { repoURL: '/srv/local', revision: 'HEAD' } },
    ],
    180_000,
  );
  assert.deepEqual(plan.mirrors, [
    {
      url: 'git@git.example.com:org/jobs.git',
      pollIntervalMs: 60_000,
      credentials: { sshKeyFile: '/k' },
      revisions: ['main', 'v1'],
    },
    { url: 'https://git.example.com/org/unused', pollIntervalMs: 1_000, revisions: [] },
    { url: '/srv/local', pollIntervalMs: 180_000, revisions: ['HEAD'] },
  ]);
  assert.deepEqual(
    plan.polls,
    [
      { url: 'git@git.example.com:org/jobs.git', intervalMs: 60_000 },
      { url: '/srv/local', intervalMs: 180_000 },
    ],
    'a repository no app uses is not polled',
  );
});
