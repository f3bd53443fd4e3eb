import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './load.js';

const env = { NOMAD_ADDR: 'http://127.0.0.1:4646' };
const head = `
repository "platform" { url = "https://git.example.com/platform.git" }
project "team-a" {
  repositories = ["platform"]
  destinations {
    cluster   = "default"
    namespace = "team-a-*"
  }
  jobs = ["team-a-*"]
}
`;

test('an app set template keeps ${...} as placeholders and renders one app per parameter set', () => {
  const config = parseConfig(
    `${head}
app_set "teams" {
  project = "team-a"
  git_directories {
    repository = "platform"
    revision   = "main"
    paths      = ["apps/*"]
    exclude    = ["apps/legacy"]
  }
  template {
    name       = "\${path.basename}"
    repository = "platform"
    revision   = "main"
    path       = path
    namespace  = "team-a-\${path.basename}"
    vars       = { app = "\${path.basename}" }
  }
  sync { prune_on_delete = true }
}
`,
    '/etc/drover.hcl',
    { env },
  );
  const [set] = config.appSets;
  assert.equal(set?.pruneOnDelete, true);
  assert.deepEqual(set?.generator, {
    kind: 'git_directories',
    repoURL: 'https://git.example.com/platform.git',
    revision: 'main',
    paths: ['apps/*'],
    exclude: ['apps/legacy'],
    at: '/etc/drover.hcl:14:3',
  });
  const app = set!.render({ path: 'apps/web', 'path.basename': 'web' });
  assert.equal(app.name, 'web');
  assert.equal(app.appSet, 'teams');
  assert.equal(app.source.path, 'apps/web');
  assert.equal(app.destination.namespace, 'team-a-web');
  assert.deepEqual(app.vars, { app: 'web' });
  assert.deepEqual(app.project, {
    name: 'team-a',
    repositories: ['git.example.com/platform'],
    destinations: [{ cluster: 'default', namespace: 'team-a-*' }],
    jobs: ['team-a-*'],
  });
});

test('an unknown placeholder is refused at load, naming file, line and field', () => {
  assert.throws(
    () =>
      parseConfig(
        `${head}
app_set "teams" {
  git_directories {
    repository = "platform"
    paths      = ["apps/*"]
  }
  template {
    name       = "\${path.basename}"
    repository = "platform"
    path       = "\${path.dirname}"
  }
}
`,
        '/etc/drover.hcl',
        { env },
      ),
    /\/etc\/drover\.hcl:20:5: app_set\.teams\.template\.path: unknown placeholder "\$\{path\.dirname\}"; the generator gives: path, path\.basename/,
  );
});

test('list generators render at load: a bad or duplicate name fails the load', () => {
  const listSet = (elements: string) => `${head}
app_set "envs" {
  list { elements = ${elements} }
  template {
    name       = "web-\${env}"
    repository = "platform"
    path       = "envs/\${env}"
  }
}
`;
  const config = parseConfig(listSet('[{ env = "prod" }, { env = "dev" }]'), '/etc/d.hcl', { env });
  assert.deepEqual(
    ['prod', 'dev'].map((env) => config.appSets[0]!.render({ env }).source.path),
    ['envs/prod', 'envs/dev'],
  );
  assert.throws(
    () => parseConfig(listSet('[{ env = "prod" }, { env = "prod" }]'), '/etc/d.hcl', { env }),
    /\/etc\/d\.hcl:\d+:\d+: app_set\.envs\.template\.name: renders app "web-prod" twice/,
  );
  assert.throws(
    () => parseConfig(listSet('[{ env = "a b" }]'), '/etc/d.hcl', { env }),
    /app_set\.envs\.template\.name: "web-a b" is not an app name/,
  );
  assert.throws(
    () => parseConfig(listSet('[{ other = "x" }]'), '/etc/d.hcl', { env }),
    /app_set\.envs\.template\.path: unknown placeholder "\$\{env\}"; the generator gives: other/,
  );
});

test('a matrix crosses two generators and refuses a parameter both give', () => {
  const matrix = (second: string) => `${head}
app_set "grid" {
  matrix {
    list { elements = [{ env = "prod" }, { env = "dev" }] }
    ${second}
  }
  template {
    name       = "\${app}-\${env}"
    repository = "platform"
    path       = "apps/\${app}"
    namespace  = "\${env}"
  }
}
`;
  const config = parseConfig(matrix('list { elements = [{ app = "web" }, { app = "api" }] }'), '/etc/d.hcl', { env });
  const generator = config.appSets[0]!.generator;
  assert.equal(generator.kind, 'matrix');
  assert.deepEqual(generator.kind === 'matrix' ? generator.generators.map((g) => g.kind) : [], ['list', 'list']);
  assert.throws(
    () => parseConfig(matrix('list { elements = [{ app = "web", env = "x" }] }'), '/etc/d.hcl', { env }),
    /matrix: both generators give the parameter\(s\) "env"/,
  );
});

test('project references and git generator sources are checked', () => {
  const set = (extra: string, source = 'repository = "platform"') => `${head}
app_set "s" {
  ${extra}
  git_files {
    ${source}
    paths = ["envs/*/drover.json"]
  }
  template {
    name       = "\${name}"
    repository = "platform"
    path       = "\${path}"
  }
}
`;
  assert.throws(
    () => parseConfig(set('project = "nope"'), '/etc/d.hcl', { env }),
    /app_set\.s\.project: no project block named "nope"/,
  );
  assert.throws(
    () => parseConfig(set('', 'repository = "gone"'), '/etc/d.hcl', { env }),
    /app_set\.s\.git_files\.repository: no repository block named "gone"/,
  );
  const config = parseConfig(set('project = "team-a"'), '/etc/d.hcl', { env });
  // git_files keys come from the files, so placeholders are checked when the generator runs.
  assert.throws(
    () => config.appSets[0]!.render({ path: 'envs/a' }),
    /\/etc\/d\.hcl:\d+:\d+: app_set\.s\.template\.name: unknown placeholder/,
  );
  assert.equal(config.appSets[0]!.render({ path: 'envs/a', name: 'a' }).project?.name, 'team-a');
  assert.throws(
    () => parseConfig(`${head}\napp "x" {\n  repository = "platform"\n  project = "b"\n}\n`, '/etc/d.hcl', { env }),
    /\/etc\/d\.hcl:14:3: app\.x\.project: no project block named "b"/,
  );
});

test('an app set needs exactly one generator', () => {
  assert.throws(
    () =>
      parseConfig(
        `${head}\napp_set "s" {\n  template {\n    name = "x"\n    repository = "platform"\n  }\n}\n`,
        '/etc/d.hcl',
        { env },
      ),
    /set exactly one generator/,
  );
});
