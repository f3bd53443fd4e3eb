// The benchmark's world: git repositories of HCL job files, and the Drover config that watches them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo } from '../../test/helpers/git.js';

export const JOBS_PER_APP = 10;
export const SECRET = 'bench-webhook-secret';

export type Scenario = { apps: number; repos: number };

export const appName = (i: number) => `app-${String(i).padStart(4, '0')}`;
export const jobId = (app: number, job: number) => `a${app}-j${job}`;

/** A service job in HCL with a variable and a function call, so rendering is part of the cost. */
export function jobHcl(app: number, job: number, image = 'nginx:1.27'): string {
  return `variable "image" {
  type    = string
  default = "${image}"
}

job "${jobId(app, job)}" {
  datacenters = ["dc1"]
  meta = { team = "team-${app % 7}" }

  group "main" {
    count = 1
    network {
      port "http" { to = 8080 }
    }
    task "app" {
      driver = "docker"
      config {
        image = var.image
        ports = ["http"]
      }
      env { NAME = upper("${jobId(app, job)}") }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
`;
}

/** The repositories of a scenario: app `i` lives in repository `i % repos`, at `apps/<name>`. */
export class World {
  readonly repos: TestRepo[] = [];

  constructor(
    readonly dir: string,
    readonly scenario: Scenario,
  ) {
    for (let r = 0; r < scenario.repos; r++) this.repos.push(new TestRepo(join(dir, `repo-${r}`)));
    for (let a = 0; a < scenario.apps; a++)
      for (let j = 0; j < JOBS_PER_APP; j++) this.repoOf(a).write(this.path(a, j), jobHcl(a, j));
    for (const repo of this.repos) repo.commit('initial jobs');
    writeFileSync(join(dir, 'hook'), SECRET);
  }

  repoOf(app: number): TestRepo {
    return this.repos[app % this.scenario.repos]!;
  }

  path(app: number, job: number): string {
    return `apps/${appName(app)}/j${job}.nomad.hcl`;
  }

  /** Every job file of the scenario, for the CI baseline. */
  *files(): Generator<{ app: number; job: number; source: string }> {
    for (let a = 0; a < this.scenario.apps; a++)
      for (let j = 0; j < JOBS_PER_APP; j++) yield { app: a, job: j, source: jobHcl(a, j) };
  }

  /**
   * Drover's config: every app automated with prune and self-heal. Repository 0 is polled every
   * `pollMs` (the polling figures); the others only hear webhooks, so timers stay out of the way.
   */
  config(nomad: string, pollMs: number): object {
    return {
      listen: '127.0.0.1:0',
      data_dir: join(this.dir, 'data'),
      refresh_interval: '1h',
      cluster: { default: { address: nomad } },
      repository: Object.fromEntries(
        this.repos.map((repo, r) => [
          `repo-${r}`,
          {
            url: repo.path,
            poll_interval: r === 0 ? `${pollMs}ms` : '1h',
            webhook_secret_file: join(this.dir, 'hook'),
          },
        ]),
      ),
      app: Object.fromEntries(
        Array.from({ length: this.scenario.apps }, (_, a) => [
          appName(a),
          {
            repository: `repo-${a % this.scenario.repos}`,
            revision: 'main',
            path: `apps/${appName(a)}`,
            sync: { automated: true, prune: true, self_heal: true },
          },
        ]),
      ),
    };
  }
}
