import { readFileSync, statSync } from 'node:fs';

/** A Nomad ACL token, as a value or read on demand (so a rotated token file needs no restart). */
export type TokenSource = string | (() => string | undefined);

/**
 * A token read from `path`, re-read whenever the file's modification time or size changes
 * (one stat per request). A file briefly missing or unreadable during a rotation keeps the
 * last token read, so a replace-by-rename never sends a request without one.
 */
export function fileToken(path: string): () => string | undefined {
  let stamp = '';
  let token: string | undefined;
  return () => {
    try {
      const stat = statSync(path);
      const now = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
      if (now !== stamp) {
        token = readFileSync(path, 'utf8').trim() || undefined;
        stamp = now;
      }
    } catch {
      // Keep the last token: rotation tools replace the file, and a missing file is logged by nobody here.
    }
    return token;
  };
}
