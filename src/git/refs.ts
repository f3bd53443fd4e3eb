/** Remote ref names Drover fetches, and where each lands in the mirror. */
export type RefPlan = {
  /** Fetch every branch and tag (a revision is a SHA not yet in the mirror, or revisions are unknown). */
  all: boolean;
  /** Remote refs to follow when not `all`: `HEAD`, `refs/heads/X`, `refs/tags/X`. */
  refs: string[];
};

const HEX = /^[0-9a-f]{4,40}$/;

/**
 * Which remote refs serve `revisions`. Names become a branch and a tag candidate; a SHA
 * needs nothing once its commit is in the mirror, and everything until then.
 */
export async function planRefs(revisions: Iterable<string> | undefined, hasCommit: (sha: string) => Promise<boolean>): Promise<RefPlan> {
  if (!revisions) return { all: true, refs: [] };
  const refs = new Set<string>();
  for (const revision of revisions) {
    if (revision === 'HEAD') {
      refs.add('HEAD');
      continue;
    }
    if (HEX.test(revision)) {
      if (!(await hasCommit(revision))) return { all: true, refs: [] };
      // A short hex name could also be a branch or a tag; following those costs nothing extra.
      if (revision.length === 40) continue;
    }
    refs.add(`refs/heads/${revision}`);
    refs.add(`refs/tags/${revision}`);
  }
  return { all: false, refs: [...refs].sort() };
}

/** Where a remote ref is kept in the mirror; HEAD gets its own namespace so it never clashes with a branch. */
export function localRef(remoteRef: string): string {
  return remoteRef === 'HEAD' ? 'refs/drover/HEAD' : remoteRef;
}

/** Parses `git ls-remote` or `for-each-ref` output (`SHA<TAB or space>REF` lines), skipping peeled `^{}` lines. */
export function parseRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{40,64})[\t ](\S+)$/.exec(line.trim());
    if (match && !match[2]!.endsWith('^{}')) refs.set(match[2]!, match[1]!);
  }
  return refs;
}

/** Keeps the remote refs a plan follows. */
export function selectRefs(remote: Map<string, string>, plan: RefPlan): Map<string, string> {
  const keep = (ref: string) => plan.all ? ref === 'HEAD' || ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/') : plan.refs.includes(ref);
  return new Map([...remote].filter(([ref]) => keep(ref)));
}

/** What a fetch must do to make the mirror match the remote: refs to fetch and local refs to delete. */
export function diffRefs(remote: Map<string, string>, local: Map<string, string>, plan: RefPlan): { fetch: string[]; remove: string[] } {
  const fetch = [...remote].filter(([ref, sha]) => local.get(localRef(ref)) !== sha).map(([ref]) => ref);
  const expected = new Set([...remote.keys()].map(localRef));
  const inScope = (ref: string) => plan.all || plan.refs.map(localRef).includes(ref);
  const remove = [...local.keys()].filter((ref) => inScope(ref) && !expected.has(ref));
  return { fetch, remove };
}
