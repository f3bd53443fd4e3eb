import { posix } from 'node:path';
import { ValueError, toStr, type Value } from '../values.js';
import type { HclFunction } from '../eval.js';
import { arg, arity } from './args.js';

/** The repository files a job may read: keys are repository-relative POSIX paths. */
/** `onRead` hears every file a function reads, so a JSON data file read by file() is not taken for a job. */
export type FileAccess = { files: ReadonlyMap<string, Buffer>; baseDir: string; onRead?: (path: string) => void };

/** Resolves a path against the job file's folder; anything outside the repository is refused. */
function resolvePath(access: FileAccess, path: string): string {
  if (posix.isAbsolute(path))
    throw new ValueError(
      `absolute path "${path}" is outside the repository; file functions read only repository files`,
    );
  const resolved = posix.normalize(posix.join(access.baseDir, path));
  if (resolved === '..' || resolved.startsWith('../')) throw new ValueError(`path "${path}" leaves the repository`);
  return resolved === '.' ? '' : resolved;
}

/** Glob as fileset() understands it: *, ?, [..], and ** for any depth. */
function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === '*' && pattern[k + 1] === '*') {
      out += '.*';
      k++;
      if (pattern[k + 1] === '/') k++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', k);
      if (close < 0) throw new ValueError(`failed to glob pattern "${pattern}": syntax error in pattern`);
      out += pattern.slice(k, close + 1);
      k = close;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * jobspec2's file-system functions, reading the snapshot instead of the disk so a job can
 * only see its own repository at the rendered revision.
 */
export function filesystemFunctions(access: FileAccess): Record<string, HclFunction> {
  const read = (a: Value[]): Buffer => {
    arity(a, ['path']);
    const path = resolvePath(access, toStr(a[0]!, arg(1, 'path')));
    const content = access.files.get(path);
    if (content) access.onRead?.(path);
    if (!content) throw new ValueError(`no file exists at "${path}"`);
    return content;
  };
  return {
    file: (a) => {
      const content = read(a).toString('utf8');
      if (content.includes('\uFFFD'))
        throw new ValueError('contents of the file are not valid UTF-8; use filebase64 instead');
      return content;
    },
    filebase64: (a) => read(a).toString('base64'),
    /** The file as text with `${` and `%{` escaped, for heredocs that must not interpolate it. */
    fileescaped: (a) =>
      read(a)
        .toString('utf8')
        .replace(/\$\{/g, () => '$${')
        .replace(/%\{/g, () => '%%{'),
    fileexists: (a) => {
      arity(a, ['path']);
      return access.files.has(resolvePath(access, toStr(a[0]!, arg(1, 'path'))));
    },
    fileset: (a) => {
      arity(a, ['path', 'pattern']);
      const root = resolvePath(access, toStr(a[0]!, arg(1, 'path')));
      const matcher = globToRegex(toStr(a[1]!, arg(2, 'pattern')));
      const prefix = root === '' ? '' : root + '/';
      return [...access.files.keys()]
        .filter((f) => f.startsWith(prefix) && matcher.test(f.slice(prefix.length)))
        .map((f) => f.slice(prefix.length))
        .sort();
    },
    abspath: (a) => {
      arity(a, ['path']);
      return '/' + resolvePath(access, toStr(a[0]!, arg(1, 'path')));
    },
    basename: (a) => {
      arity(a, ['path']);
      const p = toStr(a[0]!, arg(1, 'path'));
      return p === '' ? '.' : posix.basename(p) || '/';
    },
    dirname: (a) => {
      arity(a, ['path']);
      return posix.dirname(toStr(a[0]!, arg(1, 'path')));
    },
    pathexpand: (a) => {
      arity(a, ['path']);
      const p = toStr(a[0]!, arg(1, 'path'));
      if (p.startsWith('~'))
        throw new ValueError('pathexpand cannot expand "~" offline: the renderer has no home directory');
      return p;
    },
  };
}
