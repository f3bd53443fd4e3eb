import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VariableConflictError } from '../../src/nomad/index.js';
import { serviceJob, type Target } from './target.js';

/** Namespaces, variables and locks, agent self, leader and token self. */
export function resourceCases(target: () => Target): void {
  test('namespaces: default exists; create, read, list, use and delete one', async () => {
    const { nomad, name } = target();
    const ns = name('team-a');
    assert.ok((await nomad.namespaces.list()).namespaces.some((n) => n.Name === 'default'));
    const written = await nomad.namespaces.register({ Name: ns, Description: 'contract', Meta: { owner: 'drover' } });
    assert.ok(written.lastIndex > 0);
    const { namespace } = await nomad.namespaces.info(ns);
    assert.deepEqual([namespace.Name, namespace.Description, namespace.Meta], [ns, 'contract', { owner: 'drover' }]);
    assert.deepEqual(
      (await nomad.namespaces.list({ prefix: ns })).namespaces.map((n) => n.Name),
      [ns],
    );
    const id = name('in-ns');
    await nomad.jobs.register(serviceJob(id), { namespace: ns });
    assert.equal((await nomad.jobs.read(id, { namespace: ns })).job?.Namespace, ns);
    assert.equal((await nomad.jobs.read(id)).job, undefined, 'not in the default namespace');
    assert.ok((await nomad.jobs.list({ namespace: '*', prefix: id })).jobs.some((j) => j.Namespace === ns));
    await assert.rejects(nomad.jobs.register(serviceJob(id), { namespace: name('nope') }), /nonexistent namespace/);
    await nomad.jobs.deregister(id, { namespace: ns, purge: true });
    await nomad.namespaces.delete(ns);
    await assert.rejects(nomad.namespaces.info(ns), /404/);
  });

  test('variables: put, read, list metadata, check-and-set conflicts, delete', async () => {
    const { nomad, name } = target();
    const path = `drover/${name('var')}`;
    const created = await nomad.variables.put(path, { a: '1' }, { cas: 0 });
    assert.deepEqual(created.Items, { a: '1' });
    assert.equal(created.CreateIndex, created.ModifyIndex);
    const { variable, meta } = await nomad.variables.read(path);
    assert.deepEqual(variable?.Items, { a: '1' });
    assert.equal(meta.lastIndex, created.ModifyIndex);
    const listed = (await nomad.variables.list({ prefix: path })).variables;
    assert.equal(listed.length, 1);
    assert.equal('Items' in listed[0]!, false);
    await assert.rejects(nomad.variables.put(path, { a: '2' }, { cas: 0 }), (error: VariableConflictError) => {
      assert.ok(error instanceof VariableConflictError);
      assert.equal(error.current.ModifyIndex, created.ModifyIndex);
      return true;
    });
    const updated = await nomad.variables.put(path, { a: '2' }, { cas: created.ModifyIndex });
    assert.ok(updated.ModifyIndex > created.ModifyIndex);
    await assert.rejects(nomad.variables.delete(path, { cas: created.ModifyIndex }), VariableConflictError);
    await nomad.variables.delete(path, { cas: updated.ModifyIndex });
    assert.equal((await nomad.variables.read(path)).variable, undefined);
  });

  test('variable locks: acquire, a second acquire conflicts, renew, release', async () => {
    const { nomad, name } = target();
    const path = `drover/${name('lock')}`;
    const held = await nomad.variables.acquireLock(path, { ttl: '15s', lockDelay: '15s' });
    const lockId = held.Lock?.ID;
    assert.ok(lockId);
    assert.equal(held.Lock?.TTL, '15s');
    await assert.rejects(nomad.variables.acquireLock(path), VariableConflictError);
    await assert.rejects(nomad.variables.put(path, { x: '1' }), VariableConflictError);
    const renewed = await nomad.variables.renewLock(path, lockId);
    assert.equal(renewed.Lock?.ID, lockId);
    await assert.rejects(nomad.variables.renewLock(path, 'not-the-lock'), VariableConflictError);
    const released = await nomad.variables.releaseLock(path, lockId);
    assert.equal(released.Lock, undefined);
    await nomad.variables.delete(path);
  });

  test('agent self, status leader and token self', async () => {
    const { nomad } = target();
    const self = await nomad.system.agentSelf();
    assert.equal(typeof self.config.Region, 'string');
    assert.match(await nomad.system.version(), /^\d+\.\d+\.\d+/);
    assert.equal(typeof self.member.Name, 'string');
    assert.match(await nomad.system.leader(), /:\d+$/);
    const { token } = await nomad.system.tokenSelf();
    if (self.config.ACL?.Enabled) assert.notEqual(token.AccessorID, 'acls-disabled');
    else assert.deepEqual([token.AccessorID, token.Name], ['acls-disabled', 'ACLs disabled token']);
  });
}
