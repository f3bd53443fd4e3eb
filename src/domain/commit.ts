/** Metadata of one git commit, for history and the UI. */
export type CommitInfo = {
  sha: string;
  author: string;
  authorEmail: string;
  committer?: string;
  date: string;
  subject: string;
};

/** The files of one app at one revision, read from git's object store. */
export type Snapshot = {
  repoURL: string;
  revision: string;
  commit: CommitInfo;
  /** Files under the app path, keyed by their path inside the repository. */
  files: Map<string, Buffer>;
};
