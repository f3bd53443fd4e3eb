import { mkdir, access } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DroverError } from '../domain/errors.js';
import type { CommitInfo, Snapshot } from '../domain/commit.js';
import { git, gitText } from './exec.js';
import { redactURL } from './url.js';
import { readTree } from './snapshot.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * A bare mirror of one remote repository under the data directory. Every app on the same
 * URL shares it, and concurrent fetches coalesce into one.
 */
export class GitMirror {
  readonly url: string;
  readonly dir: string;
  private inflight: Promise<void> | undefined;
  private initialized = false;

  constructor(options: { url: string; baseDir: string }) {
    this.url = options.url;
    this.dir = join(options.baseDir, createHash('sha256').update(options.url).digest('hex').slice(0, 24) + '.git');
  }

  /** Fetches branches, tags and the remote HEAD; callers arriving while a fetch runs share it. */
  fetch(): Promise<void> {
    this.inflight ??= this.doFetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doFetch(): Promise<void> {
    await this.ensureInit();
    await git([
      'fetch', '--prune', '--no-tags', '--quiet', this.url,
      '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*', '+HEAD:refs/drover/HEAD',
    ], { cwd: this.dir, repo: this.url, timeoutMs: 300_000 });
  }

  private async ensureInit(): Promise<void> {
    if (this.initialized) return;
    try {
      await access(join(this.dir, 'HEAD'));
    } catch {
      await mkdir(this.dir, { recursive: true });
      await git(['init', '--bare', '--quiet'], { cwd: this.dir, repo: this.url });
    }
    this.initialized = true;
  }

  /** Resolves a branch, tag, SHA (full or short) or HEAD to a full commit SHA in the mirror. */
  async resolve(revision: string): Promise<string> {
    const candidates = revision === 'HEAD'
      ? ['refs/drover/HEAD']
      : FULL_SHA.test(revision) ? [revision] : [`refs/heads/${revision}`, `refs/tags/${revision}`, revision];
    for (const candidate of candidates) {
      try {
        return await gitText(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], { cwd: this.dir, repo: this.url });
      } catch {
        // try the next form
      }
    }
    throw new DroverError('DROVER_ERR_GIT', `revision "${revision}" not found in ${redactURL(this.url)}`, { repo: redactURL(this.url), revision });
  }

  /** Author, date and subject of a commit. */
  async commitInfo(sha: string): Promise<CommitInfo> {
    const out = await gitText(['show', '-s', '--format=%H%x00%an%x00%ae%x00%aI%x00%s', sha], { cwd: this.dir, repo: this.url });
    const [full, author, authorEmail, date, subject] = out.split('\0');
    return { sha: full!, author: author!, authorEmail: authorEmail!, date: date!, subject: subject ?? '' };
  }

  /** The files under `path` at `sha`, read from the object store (no work tree). */
  async snapshot(sha: string, path: string): Promise<Snapshot> {
    const [files, commit] = await Promise.all([readTree(this.dir, this.url, sha, path), this.commitInfo(sha)]);
    return { repoURL: this.url, revision: sha, commit, files };
  }
}

/** One mirror per repository URL. */
export class MirrorSet {
  private readonly mirrors = new Map<string, GitMirror>();

  constructor(private readonly baseDir: string) {}

  get(url: string): GitMirror {
    let mirror = this.mirrors.get(url);
    if (!mirror) {
      mirror = new GitMirror({ url, baseDir: this.baseDir });
      this.mirrors.set(url, mirror);
    }
    return mirror;
  }
}
