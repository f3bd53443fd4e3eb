import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerMeta } from '../domain/job.js';
import { NomadClient } from '../nomad/index.js';
import type { JobListStub } from '../nomad/jobs.js';
import { NamespaceView } from './inventory-view.js';
import { observeLive } from './observe.js';

const stub = (id: string, meta: Record<string, string> | null, parent = ''): JobListStub =>
  ({
    ID: id,
    ParentID: parent,
    Namespace: 'default',
    Type: 'service',
    Status: 'running',
    Stop: false,
    Periodic: false,
    ParameterizedJob: false,
    JobSummary: null,
    CreateIndex: 1,
    ModifyIndex: 1,
    JobModifyIndex: 1,
    Meta: meta,
  }) as JobListStub;

test('observing from the inventory (owner index) finds the same jobs as scanning the whole list', async () => {
  const jobs = [
    stub('web-1', ownerMeta('web', 'default', 'web-1')),
    stub('web-2', ownerMeta('web', 'default', 'web-2')),
    stub('web-1/periodic-123', ownerMeta('web', 'default', 'web-1/periodic-123'), 'web-1'),
    stub('shared', ownerMeta('other', 'default', 'shared')),
    stub('unowned', null),
    ...Array.from({ length: 50 }, (_, i) => stub(`api-${i}`, ownerMeta('api', 'default', `api-${i}`))),
  ];
  // Never called: every entry is "unchanged", so no job is read.
  const nomad = new NomadClient({ address: 'http://127.0.0.1:1' });
  const view = new NamespaceView(jobs);
  const desired = new Set(['default/web-1', 'default/shared', 'default/unowned', 'other-ns/web-2']);
  const observe = (list: JobListStub[]) =>
    observeLive(
      nomad,
      async () => list,
      'web',
      ['default'],
      desired,
      () => true,
    );
  const indexed = await observe(view.list());
  const scanned = await observe([...view.list()]);
  const ids = (o: Awaited<ReturnType<typeof observe>>) => o.live.map((j) => j.id);
  assert.deepEqual(ids(indexed), ['shared', 'unowned', 'web-1', 'web-2']);
  assert.deepEqual(ids(indexed), ids(scanned));
  assert.deepEqual([...indexed.unchanged].sort(), [...scanned.unchanged].sort());
});
