import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { z } from 'zod';
import type { localDiffRequest } from './schemas.js';
import type { AppSpec } from '../domain/app.js';
import type { Snapshot } from '../domain/commit.js';
import { DroverError } from '../domain/errors.js';

export { localDiffRequest as localDiffBody } from './schemas.js';

/**
 * The files as a snapshot of the app: each path is placed under the app's path, as git's would be,
 * so var_files and file() resolve the same way. Paths that leave the tree are refused.
 */
export function localSnapshot(spec: AppSpec, files: z.infer<typeof localDiffRequest>['files']): Snapshot {
  const map = new Map<string, Buffer>();
  // The render cache is keyed by tree ID: a digest of the files stands in for git's.
  const tree = createHash('sha256');
  for (const file of files) {
    const clean = posix.normalize(file.path.replaceAll('\\', '/'));
    if (clean.startsWith('../') || clean === '..' || posix.isAbsolute(clean)) {
      throw new DroverError('DROVER_ERR_BAD_REQUEST', `files: "${file.path}" leaves the directory`);
    }
    const path = posix.join(spec.source.path, clean);
    map.set(path, Buffer.from(file.content, 'utf8'));
    tree.update(`${path}\0${file.content.length}\0${file.content}\0`);
  }
  return {
    repoURL: spec.source.repoURL,
    revision: 'local',
    commit: { sha: 'local', author: '', authorEmail: '', date: '', subject: 'local files' },
    files: map,
    treeId: `local:${tree.digest('hex')}`,
  };
}
