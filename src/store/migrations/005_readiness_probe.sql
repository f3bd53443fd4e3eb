-- One row that /readyz rewrites to prove the store is writable (and reads back to prove it is readable).
CREATE TABLE readiness_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at TEXT NOT NULL
);
