import { DroverError } from '../domain/errors.js';
import { git } from './exec.js';
import { redactURL } from './url.js';

/** The part of a mirror these reads need: where its object store is, and its URL for errors. */
export type MirrorRef = { readonly dir: string; readonly url: string };

/** One entry of a commit's tree: a directory, or a regular file with its size (symlinks and submodules are left out). */
export type TreeEntry = { path: string; type: 'tree' | 'blob'; size: number; oid: string };

/**
 * Every directory and regular file at a commit, from one `git ls-tree -r -t -l`: what the app set
 * generators match their globs against. Commits never change, so callers may cache by SHA.
 */
export async function listTree(mirror: MirrorRef, sha: string): Promise<TreeEntry[]> {
  const out = await git(['ls-tree', '-r', '-t', '-l', '-z', '--full-tree', sha], { cwd: mirror.dir, repo: mirror.url });
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    // Only plain directories and regular files: a symlink could point outside the repository.
    if (type === 'tree') entries.push({ path: record.slice(tab + 1), type, size: 0, oid: oid! });
    else if (type === 'blob' && (mode === '100644' || mode === '100755'))
      entries.push({ path: record.slice(tab + 1), type, size: Number(size), oid: oid! });
  }
  return entries;
}

/**
 * The bytes of several files, by object ID, from one `git cat-file --batch` (a process per file
 * costs ~10 ms: a thousand parameter files would take seconds). Files beyond `maxBytes` are
 * refused before anything is read.
 */
export async function readBlobs(mirror: MirrorRef, entries: readonly TreeEntry[], maxBytes: number): Promise<Buffer[]> {
  const big = entries.find((entry) => entry.size > maxBytes);
  if (big)
    throw new DroverError(
      'DROVER_ERR_GIT_SNAPSHOT',
      `file "${big.path}" in ${redactURL(mirror.url)} is ${big.size} bytes, more than the limit of ${maxBytes}`,
      { path: big.path },
    );
  if (entries.length === 0) return [];
  const out = await git(['cat-file', '--batch'], {
    cwd: mirror.dir,
    repo: mirror.url,
    input: entries.map((entry) => `${entry.oid}\n`).join(''),
  });
  // Each answer is "<oid> blob <size>\n", the bytes, then "\n".
  const blobs: Buffer[] = [];
  let at = 0;
  for (const entry of entries) {
    const newline = out.indexOf(10, at);
    const size = Number(out.subarray(at, newline).toString('utf8').split(' ')[2]);
    if (!Number.isInteger(size))
      throw new DroverError('DROVER_ERR_GIT', `git cat-file gave no object for "${entry.path}"`);
    blobs.push(out.subarray(newline + 1, newline + 1 + size));
    at = newline + 1 + size + 1;
  }
  return blobs;
}
