/** Small pure helpers for what the pages print. */

export const shortSha = (sha: string | undefined) => (sha ? sha.slice(0, 7) : '');

/** The web page of a commit, for repositories on GitHub, GitLab, Gitea/Forgejo or Bitbucket; undefined elsewhere. */
export function commitURL(repoURL: string, sha: string): string | undefined {
  const match =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/]+@)([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?\/?$/.exec(repoURL);
  if (!match) return undefined;
  const [, host, path] = match as unknown as [string, string, string];
  const base = `https://${host}/${path}`;
  if (host === 'github.com' || /(^|\.)(gitea|forgejo|codeberg)\b/.test(host)) return `${base}/commit/${sha}`;
  if (host === 'gitlab.com' || /(^|\.)gitlab\./.test(host)) return `${base}/-/commit/${sha}`;
  if (host === 'bitbucket.org') return `${base}/commits/${sha}`;
  return undefined;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", against `now`. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return '';
}

export function exactTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A render error's position ("apps/x/web.hcl:3:7: ..."), so the page can show it apart from the words. */
export function errorPosition(message: string): { file: string; line: number; col?: number } | undefined {
  const match = /([\w./@-]+\.(?:hcl|nomad|json|job)):(\d+)(?::(\d+))?/.exec(message);
  if (!match) return undefined;
  return { file: match[1]!, line: Number(match[2]), ...(match[3] ? { col: Number(match[3]) } : {}) };
}

/** Values in a diff: strings as they are, everything else as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
}
