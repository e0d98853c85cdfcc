-- Accounts, login sessions, refresh and personal access tokens, JWT signing keys.
-- Same SQL on SQLite and PostgreSQL. Times are epoch milliseconds; a nullable *_at column
-- set to a time means "it happened then" (revoked, spent, disabled).

CREATE TABLE users (
  id            VARCHAR(36) PRIMARY KEY,
  username      VARCHAR(32) NOT NULL UNIQUE,    -- lower case
  display_name  VARCHAR(64) NOT NULL,
  role          VARCHAR(8) NOT NULL,            -- admin | member | guest | bot
  password_hash VARCHAR(255),                   -- Argon2id PHC string; NULL: no password login
  token_version INTEGER NOT NULL,               -- raised to refuse every access token issued before
  disabled_at   BIGINT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

-- One row per login: the refresh-token family. Revoking it refuses its access tokens at once.
CREATE TABLE sessions (
  id            VARCHAR(36) PRIMARY KEY,
  user_id       VARCHAR(36) NOT NULL REFERENCES users (id),
  created_at    BIGINT NOT NULL,
  renewed_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,
  revoked_at    BIGINT,
  revoke_reason VARCHAR(32),
  token_version INTEGER NOT NULL,               -- the user's token version at login; refresh needs it current
  ip            VARCHAR(64) NOT NULL,
  user_agent    VARCHAR(256) NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);

-- Refresh tokens are stored only as SHA-256 hashes; a spent one presented again revokes its session.
CREATE TABLE refresh_tokens (
  token_hash VARCHAR(64) PRIMARY KEY,
  session_id VARCHAR(36) NOT NULL REFERENCES sessions (id),
  issued_at  BIGINT NOT NULL,
  spent_at   BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Personal access tokens (also how bots and provisioned users authenticate), stored hashed.
CREATE TABLE access_tokens (
  id           VARCHAR(36) PRIMARY KEY,
  user_id      VARCHAR(36) NOT NULL REFERENCES users (id),
  name         VARCHAR(64) NOT NULL,
  token_hash   VARCHAR(64) NOT NULL UNIQUE,
  scopes       VARCHAR(128) NOT NULL,           -- space-separated: read write admin
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);

-- RS256 signing keys; the newest signs, all verify. Private keys are sealed by the data-protection service.
CREATE TABLE signing_keys (
  kid         VARCHAR(36) PRIMARY KEY,
  public_key  TEXT NOT NULL,                    -- X.509 SubjectPublicKeyInfo, base64
  private_key TEXT NOT NULL,                    -- PKCS#8, sealed (AES-256-GCM, bound to this row)
  created_at  BIGINT NOT NULL
);
