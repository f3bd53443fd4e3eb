import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestRepo, tempDir } from '../../test/helpers/git.js';
import { parseConfig } from '../config/load.js';
import { MirrorSet } from '../git/mirror.js';
import { generateApps } from './generate.js';

const dir = tempDir();
after(() => dir.cleanup());

const env = { NOMAD_ADDR: 'http://127.0.0.1:4646' };

function setup(name: string, block: string) {
  const repo = new TestRepo(join(dir.path, name));
  const config = parseConfig(`repository "jobs" { url = "${repo.path}" }\n${block}`, join(dir.path, `${name}.hcl`), {
    env,
  });
  const mirrors = new MirrorSet(join(dir.path, `${name}-mirrors`));
  return { repo, set: config.appSets[0]!, git: mirrors, fetch: () => mirrors.get(repo.path).fetch() };
}

const dirs = `
app_set "apps" {
  git_directories {
    repository = "jobs"
    paths      = ["apps/*"]
    exclude    = ["apps/old"]
  }
  template {
    name       = "\${path.basename}"
    repository = "jobs"
    path       = "\${path}"
  }
}
`;

test('git_directories: one app per matching directory at the commit, as git changes', async () => {
  const { repo, set, git, fetch } = setup('dirs', dirs);
  repo.write('apps/web/web.nomad.hcl', 'job "web" {}').write('apps/api/api.nomad.hcl', 'job "api" {}');
  repo.write('apps/old/old.nomad.hcl', 'job "old" {}').write('apps/web/nested/x.hcl', '').write('README.md', 'x');
  const first = repo.commit('two apps');
  await fetch();
  const generated = await generateApps(set, git);
  assert.deepEqual(
    generated.apps.map((a) => [a.name, a.source.path, a.appSet]),
    [
      ['api', 'apps/api', 'apps'],
      ['web', 'apps/web', 'apps'],
    ],
  );
  assert.equal(generated.commits.get(repo.path), first);
  repo.remove('apps/api/api.nomad.hcl').write('apps/new/job.nomad.hcl', 'job "new" {}').commit('api goes, new comes');
  await fetch();
  assert.deepEqual(
    (await generateApps(set, git)).apps.map((a) => a.name),
    ['new', 'web'],
  );
});

test('git_files: one app per file, its JSON keys (flattened) as parameters', async () => {
  const { repo, set, git, fetch } = setup(
    'files',
    `
app_set "envs" {
  git_files {
    repository = "jobs"
    paths      = ["envs/*/drover.json"]
  }
  template {
    name       = "\${path.basename}-\${team}"
    repository = "jobs"
    path       = "\${path}"
    namespace  = "\${target.namespace}"
    vars       = { replicas = "\${replicas}", file = "\${path.filename}" }
  }
}
`,
  );
  repo.write('envs/prod/drover.json', { team: 'a', replicas: 3, target: { namespace: 'team-a' } });
  repo.write('envs/dev/drover.json', { team: 'b', replicas: 1, target: { namespace: 'team-b' } });
  repo.commit('envs');
  await fetch();
  const { apps } = await generateApps(set, git);
  assert.deepEqual(
    apps.map((a) => [a.name, a.source.path, a.destination.namespace, a.vars]),
    [
      ['dev-b', 'envs/dev', 'team-b', { replicas: '1', file: 'drover.json' }],
      ['prod-a', 'envs/prod', 'team-a', { replicas: '3', file: 'drover.json' }],
    ],
  );
  // A file without a key the template uses fails the whole run (the set keeps what it had), naming the field.
  repo.write('envs/qa/drover.json', { replicas: 1, target: { namespace: 'qa' } }).commit('qa without team');
  await fetch();
  await assert.rejects(
    generateApps(set, git),
    /files\.hcl:\d+:\d+: app_set\.envs\.template\.name: unknown placeholder "\$\{team\}"/,
  );
  repo.write('envs/qa/drover.json', '[1, 2]').commit('not an object');
  await fetch();
  await assert.rejects(generateApps(set, git), /envs\/qa\/drover\.json at [0-9a-f]{12}: must hold a JSON object/);
});

test('matrix: directories crossed with a list; two parameter sets naming one app are refused', async () => {
  const matrix = (name: string) => `
app_set "grid" {
  matrix {
    git_directories {
      repository = "jobs"
      paths      = ["apps/*"]
    }
    list { elements = [{ cluster = "east" }, { cluster = "west" }] }
  }
  template {
    name       = "${name}"
    repository = "jobs"
    path       = "\${path}"
    vars       = { dc = "\${cluster}" }
  }
}
`;
  const { repo, set, git, fetch } = setup('matrix', matrix('${path.basename}-${cluster}'));
  repo.write('apps/web/web.nomad.hcl', 'job "web" {}').write('apps/api/api.nomad.hcl', 'job "api" {}').commit('apps');
  await fetch();
  assert.deepEqual(
    (await generateApps(set, git)).apps.map((a) => `${a.name}:${a.vars?.dc}`),
    ['api-east:east', 'api-west:west', 'web-east:east', 'web-west:west'],
  );
  const clash = parseConfig(
    `repository "jobs" { url = "${repo.path}" }\n${matrix('${path.basename}')}`,
    join(dir.path, 'c.hcl'),
    {
      env,
    },
  ).appSets[0]!;
  await assert.rejects(generateApps(clash, git), /app set "grid": template.name gives "api" for two parameter sets/);
});

test('a revision git does not have fails the run instead of generating nothing', async () => {
  const { repo, set, git, fetch } = setup(
    'norev',
    dirs.replace('paths      = ["apps/*"]', 'revision = "gone"\n    paths = ["apps/*"]'),
  );
  repo.write('apps/web/web.nomad.hcl', 'job "web" {}').commit('one');
  await fetch();
  await assert.rejects(generateApps(set, git), /revision "gone" not found/);
});
