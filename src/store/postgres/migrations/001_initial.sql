-- Drover's store on PostgreSQL: the same tables as the SQLite file, shared by HA instances.
-- Times are ISO-8601 text, as in SQLite, so both stores answer the same strings.
CREATE TABLE app_status (
  app         TEXT PRIMARY KEY,
  status_json TEXT NOT NULL, -- text, not JSONB: kept as written, so a no-change save compares equal
  updated_at  TEXT NOT NULL
);

CREATE TABLE sync_runs (
  id           BIGSERIAL PRIMARY KEY,
  app          TEXT NOT NULL,
  trigger      TEXT NOT NULL,
  revision     TEXT NOT NULL,
  author       TEXT,
  committer    TEXT,
  subject      TEXT,
  commit_date  TEXT,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  duration_ms  INTEGER,
  result       TEXT NOT NULL,
  message      TEXT,
  jobs_json    JSONB NOT NULL
);
CREATE INDEX sync_runs_app ON sync_runs (app, id DESC);
-- Interrupted-run sweeps at election look only at running rows.
CREATE INDEX sync_runs_running ON sync_runs (result) WHERE result = 'Running';

CREATE TABLE applied_jobs (
  app              TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  job_id           TEXT NOT NULL,
  revision         TEXT NOT NULL,
  content_hash     TEXT NOT NULL,
  job_modify_index BIGINT NOT NULL,
  PRIMARY KEY (app, namespace, job_id)
);

CREATE TABLE app_pins (
  app        TEXT PRIMARY KEY,
  revision   TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
