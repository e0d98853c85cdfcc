-- Chat's durable feed across channels (ChatFeed). SQLite has one writer, so commit order is
-- write order: each event gets the next feed id as it is written, in the writing transaction.
-- (Not the rowid: VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY.)
ALTER TABLE channel_events ADD COLUMN feed_id INTEGER;
UPDATE channel_events SET feed_id = rowid;
CREATE UNIQUE INDEX channel_events_feed ON channel_events (feed_id);
CREATE TRIGGER channel_events_feed_id AFTER INSERT ON channel_events WHEN NEW.feed_id IS NULL
BEGIN
  UPDATE channel_events SET feed_id = (SELECT COALESCE(MAX(feed_id), 0) + 1 FROM channel_events)
  WHERE rowid = NEW.rowid;
END;
