import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** git isolated from the user's and the system's config, as every test must run it. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.test',
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.test',
    },
  }).trim();
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'drover-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real git repository on disk with helpers to write files and commit. */
export class TestRepo {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
    git(path, 'init', '--quiet', '--initial-branch=main');
  }

  write(file: string, content: string | object): this {
    const full = join(this.path, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return this;
  }

  remove(file: string): this {
    git(this.path, 'rm', '--quiet', file);
    return this;
  }

  /** Commits everything and returns the new commit's full SHA. */
  commit(message: string): string {
    git(this.path, 'add', '-A');
    git(this.path, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git(this.path, 'rev-parse', 'HEAD');
  }
}
