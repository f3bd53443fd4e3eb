import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Snapshot } from '../domain/commit.js';

/** Reads job files from the local file system into a snapshot, for offline render and validate. */
export function localSnapshot(paths: string[]): Snapshot {
  const files = new Map<string, Buffer>();
  for (const path of paths) {
    const stat = statSync(path);
    if (stat.isFile()) {
      files.set(path, readFileSync(path));
      continue;
    }
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      if (full.split('/').some((part) => part === 'node_modules' || part === '.git')) continue;
      files.set(relative(process.cwd(), full) || full, readFileSync(full));
    }
  }
  return {
    repoURL: 'file://local',
    revision: 'local',
    commit: { sha: 'local', author: '', authorEmail: '', date: '', subject: '' },
    files,
  };
}
