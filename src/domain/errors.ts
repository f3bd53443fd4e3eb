/**
 * Drover's error catalogue: each error has a stable code, an HTTP status and a kind that
 * decides what the controller does next (design.md, "Flux"): stalled errors need a user's
 * fix, transient ones are retried.
 */
export const ERRORS = {
  DROVER_ERR_CONFIG: { status: 400, kind: 'stalled', summary: 'The configuration file is invalid.' },
  DROVER_ERR_RENDER: { status: 422, kind: 'stalled', summary: 'A job file could not be rendered.' },
  DROVER_ERR_GIT: { status: 502, kind: 'transient', summary: 'A git command failed.' },
  DROVER_ERR_GIT_REVISION: {
    status: 404,
    kind: 'stalled',
    summary: 'The revision is not in the repository (a deleted branch or tag, or a commit no branch or tag contains).',
  },
  DROVER_ERR_GIT_SNAPSHOT: {
    status: 422,
    kind: 'stalled',
    summary: 'The files at a revision break a snapshot rule (a symlink or path leaving the app path, or a size limit).',
  },
  DROVER_ERR_SOURCE_PATH_MISSING: {
    status: 404,
    kind: 'stalled',
    summary: "The app's path does not exist at the revision (moved, renamed or deleted); nothing is pruned.",
  },
  DROVER_ERR_GIT_SIGNATURE: {
    status: 422,
    kind: 'stalled',
    summary: 'The app requires signed commits and the commit is unsigned or not signed by a trusted key.',
  },
  DROVER_ERR_WEBHOOK_SIGNATURE: {
    status: 401,
    kind: 'stalled',
    summary: 'A webhook had no valid signature or token for any configured repository.',
  },
  DROVER_ERR_WEBHOOK_PAYLOAD: { status: 400, kind: 'stalled', summary: 'A webhook body was not a JSON object.' },
  DROVER_ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    kind: 'stalled',
    summary: 'A request body was larger than the configured limit.',
  },
  DROVER_ERR_NOMAD: {
    status: 502,
    kind: 'transient',
    summary: 'The Nomad API answered with an error or could not be reached.',
  },
  DROVER_ERR_APPSET: {
    status: 422,
    kind: 'stalled',
    summary:
      "An app set's generator or template failed at a commit (a file that is not a JSON object, a placeholder the " +
      'generator does not give, two apps with one name); the set keeps the apps it had.',
  },
  DROVER_ERR_PROJECT: {
    status: 403,
    kind: 'stalled',
    summary: "An app's repository, destination or job IDs are outside its project; nothing is written.",
  },
  DROVER_ERR_NOT_FOUND: { status: 404, kind: 'stalled', summary: 'The named resource does not exist.' },
  DROVER_ERR_OWNERSHIP: { status: 409, kind: 'stalled', summary: 'A job exists in Nomad that this app does not own.' },
  DROVER_ERR_TIMEOUT: { status: 504, kind: 'transient', summary: 'A reconcile step did not finish in time.' },
  DROVER_ERR_BAD_REQUEST: { status: 400, kind: 'stalled', summary: 'The request is malformed.' },
  DROVER_ERR_CONFLICT: { status: 409, kind: 'stalled', summary: "The request conflicts with the app's state." },
  DROVER_ERR_SYNC_WINDOW: {
    status: 409,
    kind: 'stalled',
    summary: 'A sync window holds the app now and does not allow manual syncs (manual_sync = false).',
  },
  DROVER_ERR_DEPENDENCY_NOT_READY: {
    status: 409,
    kind: 'stalled',
    summary: "The app's depends_on apps are not all Synced and Healthy at their current revision yet.",
  },
  DROVER_ERR_UNAUTHENTICATED: {
    status: 401,
    kind: 'stalled',
    summary: 'The request carries no valid token or session.',
  },
  DROVER_ERR_STORE: {
    status: 503,
    kind: 'stalled',
    summary: 'The database is corrupt or unreadable; Drover stops writing to Nomad until it is moved aside.',
  },
  DROVER_ERR_DATA_DIR_LOCKED: {
    status: 409,
    kind: 'stalled',
    summary: 'Another Drover process holds the data directory.',
  },
  DROVER_ERR_INTERNAL: {
    status: 500,
    kind: 'transient',
    summary: 'Drover failed unexpectedly; the log has the details (the answer never does).',
  },
  DROVER_ERR_FORBIDDEN: { status: 403, kind: 'stalled', summary: "The caller's role does not allow this action." },
  DROVER_ERR_ORIGIN: {
    status: 403,
    kind: 'stalled',
    summary: "The request's Host or Origin is neither external_url nor the listen address (DNS rebinding, cross-site).",
  },
  DROVER_ERR_CSRF: {
    status: 403,
    kind: 'stalled',
    summary: 'A state-changing request made with a session cookie had no valid X-CSRF-Token header.',
  },
  DROVER_ERR_OIDC: {
    status: 502,
    kind: 'transient',
    summary: 'Single sign-on failed: the OIDC provider could not be reached or its answer did not check out.',
  },
  DROVER_ERR_NOT_LEADER: {
    status: 503,
    kind: 'transient',
    summary: 'This instance is a follower: state-changing requests go to the leader, whose URL the answer names.',
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorKind = (typeof ERRORS)[ErrorCode]['kind'];

export class DroverError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DroverError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get kind(): ErrorKind {
    return ERRORS[this.code].kind;
  }
}
