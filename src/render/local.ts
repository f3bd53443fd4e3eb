import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Snapshot } from '../domain/commit.js';
import { jobFormat } from './select.js';

/** Local files for offline render and validate: the snapshot, the files named explicitly, and path problems. */
export type LocalFiles = { snapshot: Snapshot; explicit: Set<string>; problems: string[] };

/**
 * Reads job files from the local file system. A file named explicitly is a job whatever its
 * extension; a directory contributes the files the default selection takes; a path that does
 * not exist, or a directory holding no job file, is a problem (not an exception).
 */
export function localFiles(paths: string[]): LocalFiles {
  const files = new Map<string, Buffer>();
  const explicit = new Set<string>();
  const problems: string[] = [];
  for (const path of paths) {
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch (error) {
      problems.push(
        `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
      );
      continue;
    }
    if (isFile) {
      files.set(path, readFileSync(path));
      explicit.add(path);
      continue;
    }
    const before = files.size;
    let jobs = 0;
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      if (full.split('/').some((part) => part === 'node_modules' || part === '.git')) continue;
      const key = relative(process.cwd(), full) || full;
      files.set(key, readFileSync(full));
      if (jobFormat(key, {}) !== undefined) jobs++;
    }
    if (jobs === 0)
      problems.push(
        `${path}: no job files here (*.nomad.hcl, *.nomad, *.hcl, *.json); name a file to read it whatever its extension` +
          (files.size > before ? '' : ' (the directory is empty)'),
      );
  }
  return { snapshot: localSnapshotOf(files), explicit, problems };
}

/** Reads job files from the local file system into a snapshot (see localFiles for the rules). */
export function localSnapshot(paths: string[]): Snapshot {
  return localFiles(paths).snapshot;
}

function localSnapshotOf(files: Map<string, Buffer>): Snapshot {
  return {
    repoURL: 'file://local',
    revision: 'local',
    commit: { sha: 'local', author: '', authorEmail: '', date: '', subject: '' },
    files,
  };
}
