-- The sample module's own table: a module owns its tables and migrates them itself.
CREATE TABLE sample_notes (
  id   TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
INSERT INTO sample_notes (id, body) VALUES ('first', 'written by the sample module''s migration');
