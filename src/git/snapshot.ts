import { posix } from 'node:path';
import { DroverError } from '../domain/errors.js';
import { git, type GitOptions } from './exec.js';
import { redactURL } from './url.js';

/** Bounds on what one snapshot may hold, so a stray large file cannot exhaust memory. */
export type SnapshotLimits = {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest sum of all files under the app path, in bytes. */
  maxTotalBytes: number;
  /** Most files under the app path. */
  maxFiles: number;
};

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxFiles: 10_000,
};

type TreeEntry = { mode: string; type: string; oid: string; size: number; path: string };

const SYMLINK = '120000';
const MAX_LINK_HOPS = 8;

/**
 * Reads every file under `path` at `sha` with one ls-tree and one cat-file --batch, never
 * touching a work tree. Symlinks are followed only while they stay inside `path`; one that
 * leaves it, or any path with `..`, is refused, as are files and trees over `limits`.
 */
export async function readTree(
  dir: string,
  url: string,
  sha: string,
  path: string,
  limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  options: GitOptions = {},
): Promise<Map<string, Buffer>> {
  const result = (await readTrees(dir, url, sha, [path], limits, options)).get(path)!;
  if (result instanceof Error) throw result;
  return result;
}

/**
 * readTree for several app paths of one commit with the same two git processes, so a thousand
 * apps in one repository cost a few spawns instead of two thousand. Each path gets its files or
 * its own error (a limit, a symlink out): one bad app never fails the others.
 */
export async function readTrees(
  dir: string,
  url: string,
  sha: string,
  paths: string[],
  limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  options: GitOptions = {},
): Promise<Map<string, Map<string, Buffer> | DroverError>> {
  const byKey = new Map<string, Map<string, Buffer> | DroverError>();
  const entriesOf = new Map<string, TreeEntry[]>();
  const keys = new Map<string, string>();
  for (const path of new Set(paths)) {
    const key = path.replace(/\/+$/, '') || '.';
    keys.set(path, key);
    try {
      checkPath(key, url);
      entriesOf.set(key, []);
    } catch (error) {
      byKey.set(key, error as DroverError);
    }
  }
  if (entriesOf.size > 0) await readInto(dir, url, sha, entriesOf, byKey, limits, options);
  return new Map([...keys].map(([path, key]) => [path, byKey.get(key)!]));
}

async function readInto(
  dir: string,
  url: string,
  sha: string,
  entriesOf: Map<string, TreeEntry[]>,
  results: Map<string, Map<string, Buffer> | DroverError>,
  limits: SnapshotLimits,
  options: GitOptions,
): Promise<void> {
  const whole = entriesOf.has('.');
  const listing = await git(
    ['ls-tree', '-r', '-l', '-z', '--full-tree', sha, '--', ...(whole ? [] : [...entriesOf.keys()])],
    { ...options, cwd: dir, repo: url },
  );
  // Git keeps no empty folders: a path with nothing under it is not there at this revision.
  const seen = new Set<string>();
  for (const entry of parseLsTree(listing)) {
    for (const owner of ancestors(entry.path)) {
      const list = entriesOf.get(owner);
      if (!list) continue;
      seen.add(owner);
      if (entry.type === 'blob') list.push(entry);
    }
  }
  for (const path of [...entriesOf.keys()]) {
    if (path === '.' || seen.has(path)) continue;
    const message =
      `path "${path}" does not exist at ${sha.slice(0, 12)} in ${redactURL(url)}; nothing is pruned until it is back ` +
      'or the app is changed';
    results.set(path, new DroverError('DROVER_ERR_SOURCE_PATH_MISSING', message, { path }));
    entriesOf.delete(path);
  }
  for (const [path, entries] of entriesOf) {
    try {
      checkLimits(entries, limits, url, sha, path);
    } catch (error) {
      results.set(path, error as DroverError);
      entriesOf.delete(path);
    }
  }
  const blobs = await readBlobs(dir, url, [...entriesOf.values()].flat(), options);
  for (const [path, entries] of entriesOf) {
    try {
      const byPath = new Map(entries.map((entry) => [entry.path, entry]));
      const files = new Map<string, Buffer>();
      for (const entry of entries) {
        const target = entry.mode === SYMLINK ? followLink(entry, byPath, blobs, path, url) : entry;
        files.set(entry.path, blobs.get(target.oid)!);
      }
      results.set(path, files);
    } catch (error) {
      results.set(path, error as DroverError);
    }
  }
}

/** Every directory that contains `path`, nearest first, ending with "." (the whole tree). */
function* ancestors(path: string): Generator<string> {
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1))
    yield path.slice(0, slash);
  yield path;
  yield '.';
}

async function readBlobs(
  dir: string,
  url: string,
  entries: TreeEntry[],
  options: GitOptions,
): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const oids = [...new Set(entries.map((e) => e.oid))];
  if (oids.length === 0) return blobs;
  const batch = await git(['cat-file', '--batch'], { ...options, cwd: dir, repo: url, input: oids.join('\n') + '\n' });
  let offset = 0;
  for (const oid of oids) {
    const headerEnd = batch.indexOf(0x0a, offset);
    const [, , size] = batch.subarray(offset, headerEnd).toString('utf8').split(' ');
    const start = headerEnd + 1;
    const end = start + Number(size);
    blobs.set(oid, batch.subarray(start, end));
    offset = end + 1;
  }
  return blobs;
}

/** Resolves a symlink entry to the regular file it names, staying inside the app path. */
function followLink(
  link: TreeEntry,
  byPath: Map<string, TreeEntry>,
  blobs: Map<string, Buffer>,
  appPath: string,
  url: string,
): TreeEntry {
  let current = link;
  for (let hop = 0; hop < MAX_LINK_HOPS && current.mode === SYMLINK; hop++) {
    const target = blobs.get(current.oid)!.toString('utf8');
    const resolved = posix.normalize(posix.join(posix.dirname(current.path), target));
    if (target.startsWith('/') || !inside(resolved, appPath)) {
      throw snapshotError(
        `symlink "${link.path}" points to "${target}", outside the app path "${appPath}" in ${redactURL(url)}`,
        link.path,
      );
    }
    const next = byPath.get(resolved);
    if (!next)
      throw snapshotError(
        `symlink "${link.path}" points to "${target}", which is not a file under "${appPath}" in ${redactURL(url)}`,
        link.path,
      );
    current = next;
  }
  if (current.mode === SYMLINK)
    throw snapshotError(
      `symlink "${link.path}" has more than ${MAX_LINK_HOPS} levels of links in ${redactURL(url)}`,
      link.path,
    );
  return current;
}

function inside(path: string, appPath: string): boolean {
  if (path === '..' || path.startsWith('../')) return false;
  return appPath === '.' || path === appPath || path.startsWith(`${appPath}/`);
}

function checkLimits(entries: TreeEntry[], limits: SnapshotLimits, url: string, sha: string, path: string): void {
  const where = `"${path}" at ${sha.slice(0, 12)} in ${redactURL(url)}`;
  if (entries.length > limits.maxFiles) {
    throw snapshotError(`${where} has ${entries.length} files, more than the limit of ${limits.maxFiles}`, path);
  }
  let total = 0;
  for (const entry of entries) {
    if (entry.path.split('/').includes('..'))
      throw snapshotError(`${where} contains the path "${entry.path}" with ".."`, entry.path);
    if (entry.size > limits.maxFileBytes) {
      throw snapshotError(
        `file "${entry.path}" at ${sha.slice(0, 12)} in ${redactURL(url)} is ${entry.size} bytes, ` +
          `more than the limit of ${limits.maxFileBytes}`,
        entry.path,
      );
    }
    total += entry.size;
  }
  if (total > limits.maxTotalBytes)
    throw snapshotError(`${where} holds ${total} bytes, more than the limit of ${limits.maxTotalBytes}`, path);
}

function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    entries.push({ mode: mode!, type: type!, oid: oid!, size: Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** Refuses app paths that could leave the repository. */
function checkPath(path: string, url: string): string {
  if (path.startsWith('/') || path.split('/').includes('..')) {
    throw snapshotError(`path "${path}" leaves the repository ${redactURL(url)}`, path);
  }
  return path;
}

function snapshotError(message: string, path: string): DroverError {
  return new DroverError('DROVER_ERR_GIT_SNAPSHOT', message, { path });
}
