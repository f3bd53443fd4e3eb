import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../helpers/git.js';
import { getJSON, startDrover, waitFor, type Child } from '../helpers/process.js';

type AppsResponse = {
  apps: Array<{
    name: string;
    status: { sync: { status: string; revision?: string }; conditions: Array<{ type: string; message: string }> };
  }>;
};
type NomadJobJSON = {
  Meta: Record<string, string>;
  TaskGroups: Array<{ Count: number; Tasks: Array<{ Config: { image: string; args: string[] } }> }>;
};

const JOB = `variable "image" {
  type = string
}

variable "replicas" {
  type    = number
  default = 1
}

locals {
  args = ["--alloc", "\${NOMAD_ALLOC_ID}"]
}

job "web" {
  datacenters = ["dc1"]

  group "web" {
    count = var.replicas

    task "nginx" {
      driver = "docker"

      config {
        image = var.image
        args  = local.args
      }
    }
  }
}
`;

// Given an HCL job with variables in git and an HCL config file giving the app its vars,
// the job reaches the simulator rendered by each renderer, and a broken file stops the app.
for (const render of ['local', 'server'] as const) {
  describe(`HCL job files, render = "${render}"`, () => {
    const dir = tempDir();
    const repo = new TestRepo(join(dir.path, 'repo'));
    let sim: Child & { match: RegExpMatchArray };
    let server: Child & { match: RegExpMatchArray };
    let nomad: string;
    let drover: string;

    const app = async () => (await getJSON<AppsResponse>(`${drover}/api/v1/apps`)).body.apps[0]!;
    const syncedAt = (sha: string) =>
      waitFor(`app synced at ${sha.slice(0, 8)}`, async () => {
        const current = await app();
        return current.status.sync.status === 'Synced' && current.status.sync.revision === sha ? current : undefined;
      });

    before(async () => {
      sim = await startDrover(['sim', '--port', '0'], /listening on (http:\/\/\S+)/);
      nomad = sim.match[1]!;
    });

    after(async () => {
      await server?.stop();
      await sim?.stop();
      dir.cleanup();
    });

    test('given vars in drover.hcl and a var-file in git, when the server starts, then the rendered job is registered', async () => {
      const first = repo
        .write('apps/web/web.nomad.hcl', JOB)
        .write('apps/web/prod.vars.hcl', 'replicas = 2\nimage = "from-var-file"\n')
        .commit('add web');
      const config = join(dir.path, 'drover.hcl');
      writeFileSync(
        config,
        `
listen   = "127.0.0.1:0"
data_dir = "${join(dir.path, 'data')}"

cluster "default" {
  address = "${nomad}"
}

repository "jobs" {
  url           = "${repo.path}"
  poll_interval = "300ms"
}

app "web" {
  repository = "jobs"
  revision   = "main"
  path       = "apps/web"
  render     = "${render}"
  var_files  = ["prod.vars.hcl"]
  vars       = { image = "nginx:1.27" }
}
`,
      );
      server = await startDrover(['server', '--config', config], /listening on (http:\/\/\S+)/);
      drover = server.match[1]!;
      await syncedAt(first);
      const { body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
      assert.equal(job.TaskGroups[0]!.Count, 2, 'from the var-file');
      assert.equal(job.TaskGroups[0]!.Tasks[0]!.Config.image, 'nginx:1.27', 'app vars beat the var-file');
      assert.deepEqual(
        job.TaskGroups[0]!.Tasks[0]!.Config.args,
        ['--alloc', '${NOMAD_ALLOC_ID}'],
        'runtime interpolation kept for the client',
      );
      assert.equal(job.Meta['drover.app'], 'web');
    });

    test('when a commit breaks the HCL, then the app is Unknown with file:line:col and Nomad keeps the job', async () => {
      repo.write('apps/web/web.nomad.hcl', JOB.replace('count = var.replicas', 'count = var.replica')).commit('typo');
      const current = await waitFor('render error reported', async () => {
        const a = await app();
        return a.status.sync.status === 'Unknown' ? a : undefined;
      });
      assert.match(current.status.conditions[0]!.message, /apps\/web\/web\.nomad\.hcl/);
      assert.match(
        current.status.conditions[0]!.message,
        render === 'local'
          ? /web\.nomad\.hcl:18:13: Undefined variable: no variable "replica"/
          : /input\.hcl:18,13: Undefined variable/,
      );
      const { body: job } = await getJSON<NomadJobJSON>(`${nomad}/v1/job/web`);
      assert.equal(job.TaskGroups[0]!.Count, 2);
    });
  });
}
