import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceJob, simTarget, type Target } from './target.js';

type Obj = Record<string, unknown>;

function client(address: string, token?: string) {
  return async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['X-Nomad-Token'] = token;
    const response = await fetch(`${address}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Obj };
  };
}

/** ACL bootstrap, policies, roles and client tokens whose capabilities are enforced per namespace. */
export function aclCases(target: () => Target): void {
  test('ACLs: bootstrap once, then client tokens get only what their policies and roles grant', async (t) => {
    if (target().kind !== 'sim') return t.skip('bootstraps ACLs on a fresh agent');
    // Given an agent with ACLs on and not bootstrapped
    const sim = await simTarget({ acl: true, allocDelayMs: 10, heartbeatMs: 100 });
    t.after(() => sim.close());
    const anonymous = client(sim.address);
    assert.equal((await anonymous('GET', '/v1/jobs')).status, 403);
    // When it is bootstrapped (twice)
    const boot = await anonymous('POST', '/v1/acl/bootstrap', {});
    assert.equal(boot.status, 200, boot.text);
    assert.equal(boot.json().Type, 'management');
    const again = await anonymous('POST', '/v1/acl/bootstrap', {});
    assert.equal(again.status, 400);
    assert.match(again.text, /ACL bootstrap already done/);
    const root = client(sim.address, String(boot.json().SecretID));
    // And policies, a role and two client tokens are created
    assert.equal((await root('POST', '/v1/namespace/prod', { Name: 'prod' })).status, 200);
    const readDefault = 'namespace "default" {\n  policy = "read"\n}\n';
    const deployProd =
      'namespace "prod" {\n  capabilities = ["submit-job", "read-job", "list-jobs"]\n}\nnode {\n  policy = "read"\n}\n';
    assert.equal(
      (await root('POST', '/v1/acl/policy/read-default', { Name: 'read-default', Rules: readDefault })).status,
      200,
    );
    assert.equal(
      (await root('POST', '/v1/acl/policy/deploy-prod', { Name: 'deploy-prod', Rules: deployProd })).status,
      200,
    );
    assert.equal(
      (await root('POST', '/v1/acl/policy/bad', { Rules: 'namespace "x" {\n  policy = "rule"\n}\n' })).status,
      400,
    );
    const role = await root('POST', '/v1/acl/role', { Name: 'deployer', Policies: [{ Name: 'deploy-prod' }] });
    assert.equal(role.status, 200, role.text);
    const reader = (
      await root('POST', '/v1/acl/token', { Name: 'reader', Type: 'client', Policies: ['read-default'] })
    ).json();
    const deployer = (
      await root('POST', '/v1/acl/token', { Name: 'deployer', Type: 'client', Roles: [{ Name: 'deployer' }] })
    ).json();
    const asReader = client(sim.address, String(reader.SecretID));
    const asDeployer = client(sim.address, String(deployer.SecretID));
    // Then the reader may read jobs in default only, and write nothing
    assert.equal((await asReader('GET', '/v1/jobs')).status, 200);
    assert.equal((await asReader('PUT', '/v1/jobs', { Job: serviceJob('denied') })).status, 403);
    assert.equal((await asReader('GET', '/v1/jobs?namespace=prod')).status, 403);
    assert.equal((await asReader('GET', '/v1/acl/tokens')).status, 403);
    assert.equal((await asReader('GET', '/v1/nodes')).status, 403, 'no node policy');
    // And the deployer, through its role, may submit in prod and read nodes, but not write them
    const job = serviceJob('web', { Namespace: 'prod' });
    assert.equal((await asDeployer('PUT', '/v1/jobs?namespace=prod', { Job: job })).status, 200);
    assert.equal((await asDeployer('PUT', '/v1/jobs', { Job: serviceJob('web') })).status, 403);
    const nodes = await asDeployer('GET', '/v1/nodes');
    assert.equal(nodes.status, 200);
    const nodeId = String((nodes.json() as unknown as Obj[])[0]!.ID);
    const toggle = await asDeployer('POST', `/v1/node/${nodeId}/eligibility`, { Eligibility: 'ineligible' });
    assert.equal(toggle.status, 403);
    // And management sees token stubs without secrets, and a deleted token stops working
    const stubs = (await root('GET', '/v1/acl/tokens')).json() as unknown as Obj[];
    assert.ok(stubs.length >= 3 && stubs.every((s) => !('SecretID' in s)));
    assert.equal((await root('GET', `/v1/acl/token/${String(reader.AccessorID)}`)).json().SecretID, reader.SecretID);
    assert.equal((await root('DELETE', `/v1/acl/token/${String(reader.AccessorID)}`)).status, 200);
    assert.equal((await asReader('GET', '/v1/jobs')).status, 403);
  });
}
