-- The auth tables, the sync run's requester and the readiness row, as in the SQLite file, so every HA
-- instance sees one set of tokens, sessions and audit entries.
ALTER TABLE sync_runs ADD COLUMN requested_by TEXT;

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

-- Browser sessions: the cookie holds a random ID, the table its SHA-256.
CREATE TABLE sessions (
  id_hash        TEXT PRIMARY KEY,
  csrf_token     TEXT NOT NULL,
  principal_json TEXT NOT NULL,
  token_id       TEXT,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_token ON sessions (token_id);

-- Every state-changing request, from whichever instance answered it.
CREATE TABLE audit (
  id           BIGSERIAL PRIMARY KEY,
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

-- One row that /readyz rewrites (and reads back) to prove the store is writable and readable.
CREATE TABLE readiness_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at TEXT NOT NULL
);
