import { resolve } from 'node:path';

/** Strips user and password from a URL so it can be logged or shown. */
export function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
      return parsed.toString();
    }
    return url;
  } catch {
    return url;
  }
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ssh:': '22', 'git:': '9418' };

/** `user@host:path`, git's scp-like syntax for SSH. */
const SCP_LIKE = /^(?:[^@/[]+@)?([^:/[\]]+):(?!\/\/)(.*)$/;
/** `[user@host:port]:path`, the scp-like form with a port. */
const SCP_WITH_PORT = /^\[(?:[^@\]]+@)?([^\]:]+)(?::(\d+))?\]:(.*)$/;

/**
 * The identity of a repository, independent of how its URL is spelled: scheme, user,
 * default port, a trailing `.git` and slashes are dropped and the host is lowercased, so
 * `https://host/org/repo`, `https://host/org/repo.git`, `git@host:org/repo` and
 * `ssh://git@host/org/repo` are one repository. Local paths become absolute paths.
 */
export function normalizeRepoURL(url: string): string {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      const parsed = new URL(trimmed);
      if (parsed.protocol === 'file:') return resolve(decodeURIComponent(parsed.pathname));
      const port = parsed.port && parsed.port !== DEFAULT_PORTS[parsed.protocol] ? `:${parsed.port}` : '';
      return `${parsed.hostname.toLowerCase()}${port}/${cleanPath(decodeURIComponent(parsed.pathname)).replace(/^\/+/, '')}`;
    } catch {
      return trimmed;
    }
  }
  const bracketed = SCP_WITH_PORT.exec(trimmed);
  if (bracketed) {
    const port = bracketed[2] && bracketed[2] !== '22' ? `:${bracketed[2]}` : '';
    return `${bracketed[1]!.toLowerCase()}${port}/${cleanPath(bracketed[3]!).replace(/^\/+/, '')}`;
  }
  const scp = SCP_LIKE.exec(trimmed);
  if (scp && !trimmed.startsWith('/') && !trimmed.startsWith('.')) {
    return `${scp[1]!.toLowerCase()}/${cleanPath(scp[2]!).replace(/^\/+/, '')}`;
  }
  return resolve(trimmed);
}

function cleanPath(path: string): string {
  return path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

/** Whether the URL is reached over SSH (ssh:// or scp-like syntax). */
export function isSSHURL(url: string): boolean {
  if (/^ssh:\/\//i.test(url) || /^git\+ssh:\/\//i.test(url)) return true;
  if (SCP_WITH_PORT.test(url)) return true;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && SCP_LIKE.test(url) && !url.startsWith('/') && !url.startsWith('.');
}

/** Whether the URL is reached over HTTP(S). */
export function isHTTPURL(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
