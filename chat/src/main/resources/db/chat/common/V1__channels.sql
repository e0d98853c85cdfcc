-- Channels, members, the per-channel event stream, and what hangs off messages.
-- Same SQL on SQLite and PostgreSQL; messages themselves differ per dialect (V2).
-- Times are epoch milliseconds.

CREATE TABLE channels (
  id          VARCHAR(36) PRIMARY KEY,
  kind        VARCHAR(8) NOT NULL,             -- public | private | direct | group
  name        VARCHAR(80),                     -- NULL for direct and group DMs
  name_key    VARCHAR(80) UNIQUE,              -- lower-case name of public/private channels
  dm_key      VARCHAR(80) UNIQUE,              -- direct: "<smaller user id>:<larger user id>", one per pair
  topic       VARCHAR(250) NOT NULL,
  created_by  VARCHAR(36) NOT NULL,
  created_at  BIGINT NOT NULL,
  archived_at BIGINT,
  last_seq    BIGINT NOT NULL                  -- the channel's event counter: every visible change takes the next
);

CREATE TABLE channel_members (
  channel_id    VARCHAR(36) NOT NULL REFERENCES channels (id),
  user_id       VARCHAR(36) NOT NULL,
  role          VARCHAR(8) NOT NULL,           -- owner | admin | member
  joined_at     BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL,
  mention_count INTEGER NOT NULL,              -- mentions of this user after last_read_seq
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members (user_id, channel_id);

-- The gapless stream of a channel: (channel_id, seq) is unique here, whatever the messages
-- table's partitioning allows. Payloads name what changed, never a message body.
CREATE TABLE channel_events (
  channel_id VARCHAR(36) NOT NULL,
  seq        BIGINT NOT NULL,
  kind       VARCHAR(32) NOT NULL,
  actor_id   VARCHAR(36) NOT NULL,
  payload    VARCHAR(2000) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (channel_id, seq)
);

-- Idempotent sends: one row per (sender, client id), unpartitioned, so a retry finds the
-- message even when it was stored in another month's partition.
CREATE TABLE message_client_ids (
  sender_id  VARCHAR(36) NOT NULL,
  client_id  VARCHAR(64) NOT NULL,
  message_id VARCHAR(36) NOT NULL,
  channel_id VARCHAR(36) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (sender_id, client_id)
);

-- Earlier bodies of edited messages, sealed like the body; removed when the message is deleted.
CREATE TABLE message_edits (
  message_id VARCHAR(36) NOT NULL,
  version    INTEGER NOT NULL,
  body       TEXT NOT NULL,
  sealed     INTEGER NOT NULL,
  replaced_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, version)
);

CREATE TABLE reactions (
  message_id VARCHAR(36) NOT NULL,
  user_id    VARCHAR(36) NOT NULL,
  emoji      VARCHAR(64) NOT NULL,
  channel_id VARCHAR(36) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);
