-- Status per app: a cache; git and the cluster are the truth.
CREATE TABLE app_status (
  app         TEXT PRIMARY KEY,
  status_json TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- One row per sync attempt: the history users read.
CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  app          TEXT NOT NULL,
  trigger      TEXT NOT NULL,
  revision     TEXT NOT NULL,
  author       TEXT,
  subject      TEXT,
  commit_date  TEXT,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  result       TEXT NOT NULL,
  message      TEXT,
  jobs_json    TEXT NOT NULL
);
CREATE INDEX sync_runs_app ON sync_runs (app, id DESC);
