-- Messages on the embedded store: one table, search terms in a side table.
CREATE TABLE messages (
  id             VARCHAR(36) PRIMARY KEY,      -- UUIDv7: its timestamp is created_at
  channel_id     VARCHAR(36) NOT NULL,
  seq            BIGINT NOT NULL,
  sender_id      VARCHAR(36) NOT NULL,
  thread_root_id VARCHAR(36),
  body           TEXT,                         -- sealed (base64) or plain; NULL once deleted
  sealed         INTEGER NOT NULL,
  mentions       VARCHAR(2400) NOT NULL,       -- space-separated user ids, or "@channel"
  reply_count    INTEGER NOT NULL,
  last_reply_at  BIGINT,
  edit_count     INTEGER NOT NULL,
  edited_at      BIGINT,
  deleted_at     BIGINT,
  pinned_at      BIGINT,
  pinned_by      VARCHAR(36),
  created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_channel_seq ON messages (channel_id, seq);
CREATE INDEX messages_thread ON messages (thread_root_id, seq);
CREATE INDEX messages_sender ON messages (sender_id, created_at);
CREATE INDEX messages_created ON messages (created_at);

CREATE TABLE message_terms (
  term       VARCHAR(64) NOT NULL,             -- a keyed hash from the blind index
  message_id VARCHAR(36) NOT NULL,
  PRIMARY KEY (term, message_id)
);
CREATE INDEX message_terms_message ON message_terms (message_id);
