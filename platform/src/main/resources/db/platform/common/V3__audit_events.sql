-- Security events: who, what, when, from where, outcome. Never a secret. Same SQL on both engines.
-- (V2 is the data-key table of the encryption service.)
CREATE TABLE audit_events (
  id       VARCHAR(36) PRIMARY KEY,      -- UUIDv7: sorts by time
  at       BIGINT NOT NULL,              -- epoch milliseconds
  action   VARCHAR(64) NOT NULL,         -- e.g. auth.login
  outcome  VARCHAR(16) NOT NULL,         -- success | failure | denied
  actor_id VARCHAR(36),                  -- the user who acted, when known
  subject  VARCHAR(128),                 -- what it acted on (a user id, session id, key id, a username tried)
  ip       VARCHAR(64) NOT NULL,
  detail   VARCHAR(1000) NOT NULL        -- JSON object with non-secret context
);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
