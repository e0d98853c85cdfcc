-- One row naming this installation. Same SQL on SQLite and PostgreSQL.
CREATE TABLE installation (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
  id         VARCHAR(36) NOT NULL,
  created_at BIGINT NOT NULL
);
