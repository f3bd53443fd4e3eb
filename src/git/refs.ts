import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Remote ref names Drover fetches, and where each lands in the mirror. */
export type RefPlan = {
  /** Fetch every branch and tag (a revision is a SHA not yet in the mirror, or revisions are unknown). */
  all: boolean;
  /** Remote refs to follow when not `all`: `HEAD`, `refs/heads/X`, `refs/tags/X`. */
  refs: string[];
  /** The candidates of each revision (a name may be a branch or a tag); one existing is enough. */
  groups: string[][];
};

const HEX = /^[0-9a-f]{4,40}$/;

/**
 * Which remote refs serve `revisions`. Names become a branch and a tag candidate; a SHA
 * needs nothing once its commit is in the mirror, and everything until then.
 */
export async function planRefs(
  revisions: Iterable<string> | undefined,
  hasCommit: (sha: string) => Promise<boolean>,
): Promise<RefPlan> {
  if (!revisions) return { all: true, refs: [], groups: [] };
  const refs = new Set<string>();
  const groups: string[][] = [];
  for (const revision of revisions) {
    if (revision === 'HEAD') {
      refs.add('HEAD');
      groups.push(['HEAD']);
      continue;
    }
    if (HEX.test(revision)) {
      if (!(await hasCommit(revision))) return { all: true, refs: [], groups: [] };
      // A short hex name could also be a branch or a tag; following those costs nothing extra.
      if (revision.length === 40) continue;
    }
    refs.add(`refs/heads/${revision}`);
    refs.add(`refs/tags/${revision}`);
    groups.push([`refs/heads/${revision}`, `refs/tags/${revision}`]);
  }
  return { all: false, refs: [...refs].sort(), groups };
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
  const keep = (ref: string) =>
    plan.all
      ? ref === 'HEAD' || ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')
      : plan.refs.includes(ref);
  return new Map([...remote].filter(([ref]) => keep(ref)));
}

/** What a fetch must do to make the mirror match the remote: refs to fetch and local refs to delete. */
export function diffRefs(
  remote: Map<string, string>,
  local: Map<string, string>,
  plan: RefPlan,
): { fetch: string[]; remove: string[] } {
  const fetch = [...remote].filter(([ref, sha]) => local.get(localRef(ref)) !== sha).map(([ref]) => ref);
  const expected = new Set([...remote.keys()].map(localRef));
  const inScope = (ref: string) => plan.all || plan.refs.map(localRef).includes(ref);
  const remove = [...local.keys()].filter((ref) => inScope(ref) && !expected.has(ref));
  return { fetch, remove };
}

/**
 * The refs to fetch directly, skipping ls-remote, when the last listing showed which
 * candidate of every revision exists; undefined when one is unknown or missing.
 */
export function knownRefs(plan: RefPlan, known: ReadonlySet<string> | undefined): string[] | undefined {
  if (plan.all || !known) return undefined;
  const refs = new Set<string>();
  for (const group of plan.groups) {
    const present = group.filter((ref) => known.has(ref));
    if (present.length === 0) return undefined;
    for (const ref of present) refs.add(ref);
  }
  return [...refs];
}

/** Reads local refs from the ref files (loose, then packed-refs) without starting a git process. */
export async function readLocalRefs(dir: string, refs: string[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  let packed: Map<string, string> | undefined;
  for (const ref of refs) {
    const loose = await readFile(join(dir, ref), 'utf8').catch(() => undefined);
    if (loose && /^[0-9a-f]{40,64}\s*$/.test(loose)) {
      values.set(ref, loose.trim());
      continue;
    }
    packed ??= parseRefs(await readFile(join(dir, 'packed-refs'), 'utf8').catch(() => ''));
    const sha = packed.get(ref);
    if (sha) values.set(ref, sha);
  }
  return values;
}
