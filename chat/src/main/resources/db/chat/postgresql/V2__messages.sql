-- Messages on PostgreSQL: range-partitioned by month on created_at (epoch milliseconds).
-- Monthly partitions are created ahead by the maintenance job (PartitionMaintenance); rows
-- that arrive before their month exists land in the default partition, which the job empties
-- into the right partition when it creates it. A unique index on a partitioned table must
-- contain the partition key, so (channel_id, seq) uniqueness lives in channel_events and
-- client-id idempotency in message_client_ids.
CREATE TABLE messages (
  id             VARCHAR(36) NOT NULL,
  channel_id     VARCHAR(36) NOT NULL,
  seq            BIGINT NOT NULL,
  sender_id      VARCHAR(36) NOT NULL,
  thread_root_id VARCHAR(36),
  body           TEXT,
  sealed         INTEGER NOT NULL,
  mentions       VARCHAR(2400) NOT NULL,
  search_terms   TEXT[] NOT NULL DEFAULT '{}', -- keyed hashes from the blind index
  reply_count    INTEGER NOT NULL,
  last_reply_at  BIGINT,
  edit_count     INTEGER NOT NULL,
  edited_at      BIGINT,
  deleted_at     BIGINT,
  pinned_at      BIGINT,
  pinned_by      VARCHAR(36),
  created_at     BIGINT NOT NULL,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE TABLE messages_default PARTITION OF messages DEFAULT;

CREATE INDEX messages_channel_seq ON messages (channel_id, seq);
CREATE INDEX messages_thread ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL;
CREATE INDEX messages_sender ON messages (sender_id, created_at);
CREATE INDEX messages_terms ON messages USING GIN (search_terms);
