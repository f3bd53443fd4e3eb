-- What Drover last applied per job: lets a no-change refresh skip reading jobs whose
-- JobModifyIndex and desired content are both unchanged.
CREATE TABLE applied_jobs (
  app              TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  job_id           TEXT NOT NULL,
  revision         TEXT NOT NULL,
  content_hash     TEXT NOT NULL,
  job_modify_index INTEGER NOT NULL,
  PRIMARY KEY (app, namespace, job_id)
);

-- Rollback pins: the app stays at this revision and automated sync is suspended.
CREATE TABLE app_pins (
  app        TEXT PRIMARY KEY,
  revision   TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL
);

ALTER TABLE sync_runs ADD COLUMN duration_ms INTEGER;
ALTER TABLE sync_runs ADD COLUMN committer TEXT;
