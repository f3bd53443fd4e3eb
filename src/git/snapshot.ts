import { DroverError } from '../domain/errors.js';
import { git } from './exec.js';
import { redactURL } from './url.js';

type TreeEntry = { mode: string; type: string; oid: string; path: string };

/** Reads every regular file under `path` at `sha` with one ls-tree and one cat-file --batch. */
export async function readTree(dir: string, url: string, sha: string, path: string): Promise<Map<string, Buffer>> {
  const safePath = checkPath(path, url);
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', sha, '--', ...(safePath === '.' ? [] : [safePath])], { cwd: dir, repo: url });
  const entries = parseLsTree(listing).filter((entry) => entry.type === 'blob' && entry.mode !== '120000');
  const files = new Map<string, Buffer>();
  if (entries.length === 0) return files;
  const batch = await git(['cat-file', '--batch'], { cwd: dir, repo: url, input: entries.map((e) => e.oid).join('\n') + '\n' });
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = batch.indexOf(0x0a, offset);
    const [, , size] = batch.subarray(offset, headerEnd).toString('utf8').split(' ');
    const start = headerEnd + 1;
    const end = start + Number(size);
    files.set(entry.path, batch.subarray(start, end));
    offset = end + 1;
  }
  return files;
}

function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    entries.push({ mode: mode!, type: type!, oid: oid!, path: record.slice(tab + 1) });
  }
  return entries;
}

/** Refuses paths that could leave the repository. */
function checkPath(path: string, url: string): string {
  if (path.startsWith('/') || path.split('/').includes('..')) {
    throw new DroverError('DROVER_ERR_GIT', `path "${path}" leaves the repository ${redactURL(url)}`, { path });
  }
  return path;
}
