/** What signature verification said about a commit (only when a keyring is configured). */
export type SignatureCheck = {
  /** `good`: signed by a key in the keyring; `bad`: signed but not verifiable or invalid; `unsigned`: no signature. */
  status: 'good' | 'bad' | 'unsigned';
  /** Fingerprint of the signing key, when gpg named one. */
  key?: string;
  /** gpg's own words, for the UI and errors. */
  message?: string;
};

/** Metadata of one git commit, for history and the UI. */
export type CommitInfo = {
  sha: string;
  author: string;
  authorEmail: string;
  /** Author date, ISO 8601. */
  date: string;
  committer?: string;
  committerEmail?: string;
  committerDate?: string;
  subject: string;
  signature?: SignatureCheck;
};

/** The files of one app at one revision, read from git's object store. */
export type Snapshot = {
  repoURL: string;
  revision: string;
  commit: CommitInfo;
  /** Files under the app path, keyed by their path inside the repository. */
  files: Map<string, Buffer>;
  /** Git's tree ID of the app path: equal tree IDs mean equal files, whatever the commit. */
  treeId?: string;
};
