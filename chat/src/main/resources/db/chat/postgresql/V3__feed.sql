-- Chat's durable feed across channels (ChatFeed). Each event keeps the id of the transaction that
-- wrote it and a feed id from a sequence. Readers take only events of transactions older than
-- every transaction still running (pg_snapshot_xmin), in (feed_tx, feed_id) order: such a
-- transaction can no longer add an event before them, so the order never changes, however the
-- group-commit writers' transactions interleave and commit.
ALTER TABLE channel_events ADD COLUMN feed_tx xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE channel_events ADD COLUMN feed_id BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE INDEX channel_events_feed ON channel_events (feed_tx, feed_id);
