-- API tokens: only a SHA-256 of each secret is kept; the secret is shown once, at creation.
CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL,
  apps_json    TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT,
  expires_at   TEXT,
  revoked_at   TEXT,
  last_used_at TEXT
);

-- Browser sessions: the cookie holds a random ID, the table its SHA-256; a token session
-- follows its token (revoking the token ends the session).
CREATE TABLE sessions (
  id_hash        TEXT PRIMARY KEY,
  csrf_token     TEXT NOT NULL,
  principal_json TEXT NOT NULL,
  token_id       TEXT,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Every state-changing request: who, what, on which app, from where, and how it ended.
CREATE TABLE audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           TEXT NOT NULL,
  actor_kind   TEXT NOT NULL,
  actor_id     TEXT,
  actor_name   TEXT,
  actor_email  TEXT,
  action       TEXT NOT NULL,
  app          TEXT,
  target       TEXT,
  address      TEXT,
  outcome      TEXT NOT NULL,
  status       INTEGER NOT NULL,
  message      TEXT
);
CREATE INDEX audit_app ON audit (app, id DESC);

ALTER TABLE sync_runs ADD COLUMN requested_by TEXT;
