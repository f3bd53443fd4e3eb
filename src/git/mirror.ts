import { mkdir, access } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DroverError } from '../domain/errors.js';
import type { CommitInfo, Snapshot } from '../domain/commit.js';
import type { Telemetry } from '../domain/telemetry.js';
import { git, gitText, type GitOptions } from './exec.js';
import { gitAuth, type GitCredentials } from './credentials.js';
import { diffRefs, knownRefs, localRef, parseRefs, planRefs, readLocalRefs, selectRefs, type RefPlan } from './refs.js';
import { CommitVerifier, requireGoodSignature } from './signature.js';
import { DEFAULT_SNAPSHOT_LIMITS, readTrees, type SnapshotLimits } from './snapshot.js';
import { TreeBatcher } from './tree-batch.js';
import { normalizeRepoURL, redactURL } from './url.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** How to reach and check one repository; everything but the URL is optional. */
export type RepositoryOptions = {
  url: string;
  credentials?: GitCredentials;
  /** Public keys whose signatures count as good (enables signature checks). */
  keyringFile?: string;
  limits?: Partial<SnapshotLimits>;
  /** Told how each fetch ended (metrics, the repository list's last fetch). */
  telemetry?: Pick<Telemetry, 'gitFetched'>;
};

export type SnapshotOptions = {
  /** Refuse the snapshot unless the commit is signed by a key in the repository's keyring. */
  requireSignedCommits?: boolean;
};

/**
 * The clock of fetch sharing (`Mirror.fetch(notBefore)`, a reconcile's `requestedAt`): ms since
 * the epoch with sub-millisecond precision, so a request and a fetch rarely tie.
 */
export function fetchClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A bare mirror of one remote repository under the data directory. Every app on the same
 * repository shares it, concurrent fetches coalesce into one, and a fetch first compares
 * `git ls-remote` with the mirror's refs so an unchanged repository costs one round trip.
 */
export class GitMirror {
  readonly url: string;
  readonly dir: string;
  private readonly options: RepositoryOptions;
  private readonly revisions: Set<string> | undefined;
  private readonly limits: SnapshotLimits;
  /** Snapshot reads of apps reconciling at once share their git processes. */
  private readonly batcher: TreeBatcher;
  private readonly verifier: CommitVerifier | undefined;
  private inflight: Promise<boolean> | undefined;
  private followUp: Promise<boolean> | undefined;
  private inflightStarted = 0;
  /** The last fetch that succeeded, and when it started. */
  private done: { started: number; result: Promise<boolean> } | undefined;
  /** Remote refs that existed at the last ls-remote, so later fetches can skip it. */
  private known: Set<string> | undefined;
  private initialized = false;
  // Caches that spare a git process per app and reconcile. Resolutions live until a fetch moves
  // a ref; everything keyed by an object ID never goes stale (git objects are immutable).
  // Promises are cached, so the apps of a repository asking at once share one git process.
  private readonly resolved = new Map<string, Promise<string | undefined>>();
  private readonly commits = new Bounded<string, Promise<CommitInfo>>(256);
  /** Per commit: the tree ID of every directory (one `ls-tree -d -r -t` per commit). */
  private readonly trees = new Bounded<string, Promise<Map<string, string>>>(16);
  /** App files by the tree ID of their directory: an app untouched by a commit is not read again. */
  // Sized for thousands of apps in one repository: an LRU smaller than the app count would miss on every resync.
  private readonly files = new Bounded<string, Map<string, Buffer>>(8192, 64 * 1024 * 1024, (files) =>
    [...files.values()].reduce((n, b) => n + b.length, 0),
  );

  /** `revisions`: the revisions apps use; only their refs are fetched. Omitted: every branch and tag. */
  constructor(options: RepositoryOptions & { baseDir: string; revisions?: Iterable<string> }) {
    this.url = options.url;
    this.options = options;
    this.dir = join(
      options.baseDir,
      createHash('sha256').update(normalizeRepoURL(options.url)).digest('hex').slice(0, 24) + '.git',
    );
    this.revisions = options.revisions ? new Set(options.revisions) : undefined;
    this.limits = { ...DEFAULT_SNAPSHOT_LIMITS, ...options.limits };
    this.batcher = new TreeBatcher(
      (sha, paths, limits) => readTrees(this.dir, this.url, sha, paths, limits),
      this.limits,
    );
    this.verifier = options.keyringFile
      ? new CommitVerifier({
          keyringFile: options.keyringFile,
          gnupgHome: `${this.dir.slice(0, -4)}.gnupg`,
          repoURL: options.url,
        })
      : undefined;
  }

  /** Adds a revision to the set this mirror follows (no effect when it follows everything). */
  want(revision: string): void {
    this.revisions?.add(revision);
  }

  /**
   * Brings the mirror up to date and says whether any followed ref moved. A fetch already
   * running may have asked the remote before the caller's commit landed, so callers arriving
   * meanwhile share one more fetch that starts when it ends (and never wait for more than two).
   */
  fetch(notBefore = fetchClock()): Promise<boolean> {
    // A fetch that started after the caller's request saw everything the request could ask for:
    // a resync of a thousand apps, reconciling a few at a time, shares one fetch instead of a chain.
    // Strictly later, on a sub-millisecond clock: with whole milliseconds, requests made in the
    // millisecond the first fetch started could not share it and cost a second fetch of the repo.
    if (this.inflight && this.inflightStarted > notBefore) return this.inflight;
    if (!this.inflight && this.done && this.done.started > notBefore) return this.done.result;
    if (!this.inflight) {
      const started = fetchClock();
      const clock = performance.now();
      this.inflightStarted = started;
      const report = (error?: unknown) =>
        this.options.telemetry?.gitFetched(
          redactURL(this.url),
          error ? 'error' : 'ok',
          (performance.now() - clock) / 1000,
          error ? (error as Error).message : undefined,
        );
      const result = this.doFetch().then(
        (changed) => {
          report();
          if (changed) this.resolved.clear();
          return changed;
        },
        (error: unknown) => {
          report(error);
          throw error;
        },
      );
      this.inflight = result.finally(() => {
        this.inflight = undefined;
      });
      result.then(
        () => (this.done = { started, result }),
        () => undefined,
      );
      return this.inflight;
    }
    this.followUp ??= this.inflight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.followUp = undefined;
        return this.fetch(notBefore);
      });
    return this.followUp;
  }

  private async doFetch(): Promise<boolean> {
    await this.ensureInit();
    const auth = gitAuth(this.url, this.options.credentials);
    const network: GitOptions = {
      cwd: this.dir,
      repo: this.url,
      env: auth.env,
      secrets: auth.secrets,
      timeoutMs: 300_000,
    };
    const plan = await planRefs(this.revisions, (sha) => this.hasCommit(sha));
    // Every revision is a commit already in the mirror: commits never change, nothing to ask.
    if (!plan.all && plan.refs.length === 0) return false;
    const direct = knownRefs(plan, this.known);
    if (!direct) return this.listAndFetch(plan, network);
    // Every followed ref is known to exist: one `git fetch` is the whole refresh, as with plain git.
    const locals = direct.map(localRef);
    const before = await readLocalRefs(this.dir, locals);
    try {
      await git(
        [
          'fetch',
          '--no-tags',
          '--quiet',
          '--no-write-fetch-head',
          this.url,
          ...direct.map((ref) => `+${ref}:${localRef(ref)}`),
        ],
        network,
      );
    } catch (error) {
      if (!/couldn't find remote ref/i.test((error as Error).message)) throw error;
      this.known = undefined;
      return this.listAndFetch(plan, network);
    }
    const after = await readLocalRefs(this.dir, locals);
    return locals.some((ref) => before.get(ref) !== after.get(ref));
  }

  /** Lists the remote refs, fetches the ones that moved and drops the ones that vanished. */
  private async listAndFetch(plan: RefPlan, network: GitOptions): Promise<boolean> {
    const remote = selectRefs(
      parseRefs((await git(['ls-remote', this.url, ...plan.refs], network)).toString('utf8')),
      plan,
    );
    const local = plan.all
      ? parseRefs(
          await gitText(
            ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags', 'refs/drover'],
            { cwd: this.dir, repo: this.url },
          ),
        )
      : await readLocalRefs(this.dir, plan.refs.map(localRef));
    const { fetch, remove } = diffRefs(remote, local, plan);
    if (fetch.length > 0) {
      await git(
        [
          'fetch',
          '--no-tags',
          '--quiet',
          '--no-write-fetch-head',
          this.url,
          ...fetch.map((ref) => `+${ref}:${localRef(ref)}`),
        ],
        network,
      );
    }
    if (remove.length > 0) {
      // A branch deleted upstream: drop it so resolve() reports it instead of serving a stale commit.
      await git(['update-ref', '--stdin'], {
        cwd: this.dir,
        repo: this.url,
        input: remove.map((ref) => `delete ${ref}\n`).join(''),
      });
    }
    this.known = new Set(remote.keys());
    return fetch.length > 0 || remove.length > 0;
  }

  private async hasCommit(revision: string): Promise<boolean> {
    try {
      await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { cwd: this.dir, repo: this.url });
      return true;
    } catch {
      return false;
    }
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

  /**
   * Resolves a branch, tag, SHA (full or short) or HEAD to a full commit SHA in the mirror.
   * A revision the mirror did not follow yet is added and fetched once.
   */
  async resolve(revision: string): Promise<string> {
    let lookup = this.resolved.get(revision);
    if (!lookup) {
      lookup = this.lookup(revision);
      this.resolved.set(revision, lookup);
    }
    const found = await lookup.catch(() => undefined);
    if (found) return found;
    this.resolved.delete(revision);
    if (this.revisions && !this.revisions.has(revision)) {
      this.revisions.add(revision);
      await this.fetch();
      const retried = await this.lookup(revision);
      if (retried) return retried;
    }
    // Not transient: retrying will not bring the branch back; the next push, poll or resync will.
    throw new DroverError(
      'DROVER_ERR_GIT_REVISION',
      `revision "${revision}" not found in ${redactURL(this.url)} (a deleted branch or tag, or a commit no branch or tag contains)`,
      { repo: redactURL(this.url), revision },
    );
  }

  private async lookup(revision: string): Promise<string | undefined> {
    await this.ensureInit();
    const candidates =
      revision === 'HEAD'
        ? ['refs/drover/HEAD']
        : FULL_SHA.test(revision)
          ? [revision]
          : [`refs/heads/${revision}`, `refs/tags/${revision}`, revision];
    for (const candidate of candidates) {
      try {
        return await gitText(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], {
          cwd: this.dir,
          repo: this.url,
        });
      } catch {
        // try the next form
      }
    }
    return undefined;
  }

  /** Author, committer, dates and subject of a commit, and its signature status when a keyring is configured. */
  async commitInfo(sha: string): Promise<CommitInfo> {
    let info = this.commits.get(sha);
    if (!info) {
      info = this.readCommitInfo(sha);
      this.commits.set(sha, info);
      info.catch(() => this.commits.delete(sha));
    }
    return info;
  }

  private async readCommitInfo(sha: string): Promise<CommitInfo> {
    const [out, signature] = await Promise.all([
      gitText(['show', '-s', '--format=%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s', sha], {
        cwd: this.dir,
        repo: this.url,
      }),
      this.verifier?.check(this.dir, sha),
    ]);
    const [full, author, authorEmail, date, committer, committerEmail, committerDate, subject] = out.split('\0');
    return {
      sha: full!,
      author: author!,
      authorEmail: authorEmail!,
      date: date!,
      committer,
      committerEmail,
      committerDate,
      subject: subject ?? '',
      ...(signature ? { signature } : {}),
    };
  }

  /** The files under `path` at `sha`, read from the object store (no work tree). */
  async snapshot(sha: string, path: string, options: SnapshotOptions = {}): Promise<Snapshot> {
    // Reading the files is harmless even when the signature turns out bad: nothing leaves this method.
    const [commit, { files, treeId }] = await Promise.all([this.commitInfo(sha), this.readFiles(sha, path)]);
    if (options.requireSignedCommits) requireGoodSignature(commit.signature, sha, this.url);
    return { repoURL: this.url, revision: sha, commit, files, ...(treeId ? { treeId } : {}) };
  }

  /** The app's files, shared between commits that leave its directory's tree unchanged. */
  private async readFiles(sha: string, path: string): Promise<{ files: Map<string, Buffer>; treeId?: string }> {
    const treeId = await this.treeOf(sha, path);
    const key = treeId && `${treeId}\u0000${path}`;
    const cached = key ? this.files.get(key) : undefined;
    if (cached) return { files: cached, treeId };
    const files = await this.batcher.read(sha, path);
    if (key) this.files.set(key, files);
    return { files, treeId };
  }

  /** The tree ID of a directory at a commit, or undefined when it is not a directory there. */
  async treeOf(sha: string, path: string): Promise<string | undefined> {
    let trees = this.trees.get(sha);
    if (!trees) {
      trees = this.listTrees(sha);
      this.trees.set(sha, trees);
      trees.catch(() => this.trees.delete(sha));
    }
    return (await trees).get(path.replace(/\/+$/, '') || '.');
  }

  private async listTrees(sha: string): Promise<Map<string, string>> {
    const [root, listing] = await Promise.all([
      gitText(['rev-parse', `${sha}^{tree}`], { cwd: this.dir, repo: this.url }),
      git(['ls-tree', '-d', '-r', '-t', '-z', '--full-tree', sha], { cwd: this.dir, repo: this.url }),
    ]);
    const trees = new Map([['.', root]]);
    for (const record of listing.toString('utf8').split('\0')) {
      const tab = record.indexOf('\t');
      if (tab > 0) trees.set(record.slice(tab + 1), record.slice(0, tab).split(/ +/)[2]!);
    }
    return trees;
  }
}

/** One mirror per repository, whatever spelling of its URL an app uses. */
export class MirrorSet {
  private readonly mirrors = new Map<string, GitMirror>();
  private readonly repositories = new Map<string, RepositoryOptions & { revisions?: Set<string> }>();

  /**
   * `repositories`: per-repository credentials, keyring and limits, and the revisions apps
   * use (so only those refs are fetched). URLs not listed get a mirror that follows everything.
   */
  constructor(
    private readonly baseDir: string,
    repositories: Array<RepositoryOptions & { revisions?: Iterable<string> }> = [],
    private readonly telemetry?: Pick<Telemetry, 'gitFetched'>,
  ) {
    for (const repo of repositories) {
      const key = normalizeRepoURL(repo.url);
      const known = this.repositories.get(key);
      const revisions = new Set([...(known?.revisions ?? []), ...(repo.revisions ?? [])]);
      this.repositories.set(key, {
        ...repo,
        ...known,
        revisions: repo.revisions || known?.revisions ? revisions : undefined,
      });
    }
  }

  get(url: string): GitMirror {
    const key = normalizeRepoURL(url);
    let mirror = this.mirrors.get(key);
    if (!mirror) {
      const repo = this.repositories.get(key);
      mirror = new GitMirror({ ...repo, url: repo?.url ?? url, baseDir: this.baseDir, telemetry: this.telemetry });
      this.mirrors.set(key, mirror);
    }
    return mirror;
  }
}

/** A map that forgets its oldest entries beyond `max` entries or `maxWeight` total weight. */
class Bounded<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;
  constructor(
    private readonly max: number,
    private readonly maxWeight = Infinity,
    private readonly weigh: (value: V) => number = () => 0,
  ) {}
  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.map.size > this.max || this.total > this.maxWeight) this.delete(this.map.keys().next().value!);
  }
  delete(key: K): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.total -= entry.weight;
    this.map.delete(key);
  }
}
