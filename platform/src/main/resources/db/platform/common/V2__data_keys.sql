-- Data keys for encryption at rest, each wrapped (AES-256-GCM) by the operator's master key.
-- id is the key version written into every ciphertext; the highest id encrypts, all decrypt.
-- Same SQL on SQLite and PostgreSQL.
CREATE TABLE data_keys (
  id          INTEGER PRIMARY KEY,
  wrapped_key TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
