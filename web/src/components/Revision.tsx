import { commitURL, shortSha } from '../format.ts';

/** A short SHA, linked to the commit's page when the repository is on a forge we know. */
export function Revision({ repoURL, sha }: { repoURL: string; sha: string | undefined }) {
  if (!sha) return <span className="muted">—</span>;
  const url = commitURL(repoURL, sha);
  const code = <code title={sha}>{shortSha(sha)}</code>;
  return url ? (
    <a href={url} target="_blank" rel="noreferrer" aria-label={`commit ${shortSha(sha)}`}>
      {code}
    </a>
  ) : (
    code
  );
}
