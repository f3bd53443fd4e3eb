import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from './server.js';
import { NomadClient } from '../src/nomad/index.js';
import { renderApp, RenderCache } from '../src/render/app-render.js';
import type { Snapshot } from '../src/domain/commit.js';

let sim: RunningSim;
let http: NomadClient['jobs'];
before(async () => {
  sim = await startSim({ port: 0 });
  http = new NomadClient({ address: sim.url }).jobs;
});
after(() => sim.close());

const HCL = `
variable "image" {
  type = string
}
variable "replicas" {
  type    = number
  default = 1
}
job "web" {
  group "g" {
    count = var.replicas
    task "t" {
      driver = "docker"
      config {
        image = var.image
        args  = ["\${NOMAD_ALLOC_ID}"]
      }
    }
  }
}
`;

const post = (body: unknown, method = 'POST') =>
  fetch(`${sim.url}/v1/jobs/parse`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('parse returns the unwrapped job, with var-file content applied', async () => {
  const response = await post({ JobHCL: HCL, Variables: 'image = "redis:7"\nreplicas = 3\n' });
  assert.equal(response.status, 200);
  const job = (await response.json()) as Record<string, unknown>;
  assert.equal(job.ID, 'web');
  assert.equal(job.Priority, undefined, 'no defaults without Canonicalize');
  const group = (job.TaskGroups as Array<Record<string, unknown>>)[0]!;
  assert.equal(group.Count, 3);
  assert.deepEqual((group.Tasks as Array<Record<string, unknown>>)[0]!.Config, {
    args: ['${NOMAD_ALLOC_ID}'],
    image: 'redis:7',
  });
});

test('Canonicalize applies the api defaults; keys match case-insensitively', async () => {
  const job = (await (
    await post({ jobhcl: HCL, variables: 'image = "x"', canonicalize: true }, 'PUT')
  ).json()) as Record<string, unknown>;
  assert.equal(job.Priority, 50);
  assert.equal(job.Type, 'service');
});

test('parse errors are 400 with the documented texts', async () => {
  const empty = await post({ JobHCL: '  ' });
  assert.equal(empty.status, 400);
  assert.equal(await empty.text(), 'Job spec is empty');
  const unset = await post({ JobHCL: HCL });
  assert.equal(unset.status, 400);
  assert.match(await unset.text(), /^Failed to parse job: input\.hcl:2,1: Unset variable "image"/);
  const fsDisabled = await post({ JobHCL: 'job "x" {\n  meta = { a = file("x") }\n}\n' });
  assert.match(await fsDisabled.text(), /^Failed to parse job: input\.hcl:2,16: .*filesystem functions disabled/);
  const undeclared = await post({ JobHCL: HCL, Variables: 'image = "x"\nnope = 1\n' });
  assert.match(await undeclared.text(), /<variables>:2,1: Undefined variable: "nope"/);
  assert.equal((await fetch(`${sim.url}/v1/jobs/parse`)).status, 405);
});

const snapshot = (revision: string, files: Record<string, string>): Snapshot => ({
  repoURL: 'r',
  revision,
  commit: { sha: revision, author: '', authorEmail: '', date: '', subject: '' },
  files: new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])),
});

test('the server renderer sends vars and var-files, and agrees with the local renderer', async () => {
  const snap = snapshot('a1', {
    'apps/web/web.nomad.hcl': HCL,
    'apps/web/prod.vars.hcl': 'image = "from-file"\nreplicas = 2\n',
  });
  const options = {
    defaultNamespace: 'default',
    vars: { image: '${not.interpolated}' },
    varFiles: ['apps/web/prod.vars.hcl'],
  };
  const server = await renderApp(
    { mode: 'server', snapshot: snap, path: 'apps/web', options, transport: http },
    new RenderCache(),
  );
  const local = await renderApp({ mode: 'local', snapshot: snap, path: 'apps/web', options }, new RenderCache());
  assert.deepEqual(server.issues, []);
  assert.equal(server.renderer, 'server');
  assert.deepEqual(server.jobs, local.jobs);
  const task = (
    (server.jobs[0]!.job.TaskGroups![0] as Record<string, unknown>).Tasks as Array<Record<string, unknown>>
  )[0]!;
  assert.equal((task.Config as Record<string, unknown>).image, '${not.interpolated}');
});

test('server errors fail the set; auto falls back to local when Nomad is unreachable; results are cached', async () => {
  const bad = snapshot('b1', { 'a.nomad.hcl': 'job "a" {}\n', 'b.nomad.hcl': 'job "b" {\n  bogus = 1\n}\n' });
  const failed = await renderApp(
    { mode: 'server', snapshot: bad, path: '.', options: { defaultNamespace: 'default' }, transport: http },
    new RenderCache(),
  );
  assert.deepEqual(failed.jobs, []);
  assert.equal(failed.issues[0]!.file, 'b.nomad.hcl');
  assert.match(failed.issues[0]!.message, /Failed to parse job: input\.hcl:2,3: Unsupported argument/);

  const down = new NomadClient({ address: 'http://127.0.0.1:9', timeoutMs: 2000, retry: { attempts: 1 } }).jobs;
  const good = snapshot('c1', { 'a.nomad.hcl': 'job "a" {}\n' });
  const cache = new RenderCache();
  const auto = await renderApp(
    { mode: 'auto', snapshot: good, path: '.', options: { defaultNamespace: 'default' }, transport: down },
    cache,
  );
  assert.equal(auto.renderer, 'local');
  assert.equal(auto.jobs[0]!.id, 'a');
  await assert.rejects(
    renderApp(
      { mode: 'server', snapshot: good, path: '.', options: { defaultNamespace: 'default' }, transport: down },
      cache,
    ),
    /DROVER_ERR_NOMAD|\/v1\/jobs\/parse/,
  );

  auto.jobs[0]!.job.ID = 'changed by a caller';
  const again = await renderApp(
    { mode: 'local', snapshot: good, path: '.', options: { defaultNamespace: 'default' } },
    cache,
  );
  assert.equal(again.jobs[0]!.id, 'a');
  assert.equal(again.jobs[0]!.job.ID, 'a', 'a cached result is a copy');
  assert.equal(cache.size, 1, 'same revision, path and variables: one entry');
  await renderApp(
    { mode: 'local', snapshot: good, path: '.', options: { defaultNamespace: 'default', vars: { x: '1' } } },
    cache,
  );
  assert.equal(cache.size, 2, 'other variables: another entry');
});
