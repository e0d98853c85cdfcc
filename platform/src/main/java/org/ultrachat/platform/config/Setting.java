package org.ultrachat.platform.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration key UltraChat reads, with its default and meaning. Keys are kebab-case
 * in files and flags ({@code --http-port}) and {@code ULTRACHAT_*} in the environment
 * ({@code ULTRACHAT_HTTP_PORT}). docs/configuration.md lists the same keys; a test keeps the two equal.
 */
public enum Setting {
  HTTP_HOST("http-host", "0.0.0.0", "Address the HTTP and WebSocket server binds to."),
  HTTP_PORT("http-port", "8080", "Port the HTTP and WebSocket server listens on (0 picks a free port)."),
  HTTP_MAX_BODY_BYTES("http-max-body-bytes", "1048576",
      "Largest request body accepted, in bytes; larger bodies get 413 before any parsing."),
  HTTP_EVENT_LOOPS("http-event-loops", "0",
      "HTTP server instances (event loops) to run; 0 means one per CPU core."),
  CORS_ORIGINS("cors-origins", "",
      "Comma-separated origins allowed to call the API from a browser (e.g. https://chat.example.com). Empty: none."),
  DATA_DIR("data-dir", "./data", "Directory for the embedded database and generated keys."),
  DB_URL("db-url", "",
      "PostgreSQL URL (postgresql://user:password@host:5432/db). Empty: the embedded SQLite store under data-dir."),
  DB_REPLICA_URL("db-replica-url", "",
      "PostgreSQL read replica for reads that tolerate lag (history, threads, search). Empty: the primary serves them."),
  DB_POOL_SIZE("db-pool-size", "8", "Maximum connections in the database pool (readers, on SQLite)."),
  STORE_WRITE_SHARDS("store-write-shards", "4",
      "PostgreSQL: group-commit writers for message changes, each with its own connection; a channel always uses the same one. SQLite has one."),
  DB_BUSY_TIMEOUT_MS("db-busy-timeout-ms", "5000",
      "SQLite only: how long a statement waits for a lock before failing, in milliseconds."),
  REDIS_URL("redis-url", "",
      "Redis URL (redis://host:6379) for the cluster bus between nodes. Empty: an in-process bus (one node)."),
  SERVICES("services", "all",
      "Comma-separated services this node runs: gateway, auth, chat, or all."),
  UPSTREAM_AUTH("upstream-auth", "",
      "On a gateway without the auth service: base URL (http://host:port) of a node running it."),
  UPSTREAM_CHAT("upstream-chat", "",
      "On a gateway without the chat service: base URL (http://host:port) of a node running it."),
  CLUSTER_SECRET("cluster-secret", "",
      "Secret (32+ characters) nodes use to call each other's /internal routes. Empty: those routes are off."),
  CACHE_DEFAULT("cache-default", "ttl=1h,max=1000000",
      "Global cache bounds, for every cache that does not set its own: ttl=<30s|5m|1h|1d>,max=<entries>."),
  CACHE_USERS("cache-users", "ttl=30s,max=100000",
      "User records that authenticate requests and answer directory lookups (auth invalidates on change)."),
  CACHE_CHANNEL_MEMBERS("cache-channel-members", "ttl=5s,max=500000",
      "Channel memberships that decide read access (invalidated on every membership change)."),
  CACHE_CHANNELS("cache-channels", "ttl=5m,max=100000", "Channel records for reads (invalidated on every change)."),
  CACHE_RECENT_MESSAGES("cache-recent-messages", "ttl=5m,max=50000",
      "The newest page of each channel's history (invalidated on every message change in the channel)."),
  CHAT_ENCRYPTION("chat-encryption", "on",
      "on: message bodies and their edit history are stored sealed (AES-256-GCM); off: stored as plain text."),
  TRUSTED_PROXIES("trusted-proxies", "",
      "Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed. Empty: none."),
  RATE_LIMIT_AUTH("rate-limit-auth", "100/15m",
      "Token bucket per client address on /v1/auth/* (register, login, refresh): requests/period (s, m, h)."),
  RATE_LIMIT_API_IP("rate-limit-api-ip", "6000/1m", "Token bucket per client address on the whole /v1 API."),
  RATE_LIMIT_API_USER("rate-limit-api-user", "1200/1m", "Token bucket per authenticated user on protected routes."),
  RATE_LIMIT_LOGIN("rate-limit-login", "10/15m",
      "Login attempts per account (username), whatever address they come from."),
  REALTIME_MAX_FRAME_BYTES("realtime-max-frame-bytes", "16384",
      "Largest WebSocket frame a client may send, in bytes; larger ones get an error frame, over four times this the socket closes."),
  REALTIME_RATE_LIMIT("realtime-rate-limit", "120/10s", "Frames each WebSocket connection may send: frames/period (s, m, h)."),
  REALTIME_CONNECTIONS_PER_USER("realtime-connections-per-user", "20", "Open WebSocket connections allowed per user on a node."),
  REALTIME_CONNECTIONS_PER_ADDRESS("realtime-connections-per-address", "2000",
      "Open WebSocket connections allowed per client address on a node."),
  REALTIME_HEARTBEAT_MS("realtime-heartbeat-ms", "25000",
      "After this long without a frame from a client the server sends a WebSocket ping, in milliseconds."),
  REALTIME_IDLE_TIMEOUT_MS("realtime-idle-timeout-ms", "60000",
      "A connection that sends nothing (not even a pong) for this long is closed (code 4000), in milliseconds."),
  REALTIME_OUTBOUND_BUFFER_BYTES("realtime-outbound-buffer-bytes", "1048576",
      "Bytes queued for one WebSocket before its client counts as a slow consumer and is disconnected (code 4008)."),
  REALTIME_RESUME_MAX_EVENTS("realtime-resume-max-events", "5000",
      "Largest gap a resume replays; beyond it the client is told to resync from history."),
  REALTIME_RESUME_WAIT_MS("realtime-resume-wait-ms", "10000",
      "How long live events are held for a new connection that has not sent its first resume, in milliseconds."),
  REGISTRATION("registration", "open",
      "Who may create accounts at POST /v1/auth/register: open (anyone) or closed (admins provision users)."),
  PASSWORD_HASH_MEMORY_KIB("password-hash-memory-kib", "19456",
      "Argon2id memory cost in KiB (OWASP minimum 19456). Raising it rehashes passwords at next login."),
  PASSWORD_HASH_ITERATIONS("password-hash-iterations", "2", "Argon2id time cost (OWASP minimum 2 at 19 MiB)."),
  PASSWORD_HASH_PARALLELISM("password-hash-parallelism", "1", "Argon2id parallelism."),
  MASTER_KEY_FILE("master-key-file", "",
      "File holding the base64 256-bit master key that wraps data keys. Empty: data-dir/keys/master.key, "
          + "generated on first start (back it up)."),
  MASTER_KEY("master-key", "",
      "The base64 master key itself; takes precedence over master-key-file. Prefer the environment (ULTRACHAT_MASTER_KEY).");

  private final String key;
  private final String defaultValue;
  private final String description;

  Setting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** @return the kebab-case key used in files and flags */
  public String key() {
    return key;
  }

  /** @return the environment variable that sets this key */
  public String envName() {
    return "ULTRACHAT_" + key.toUpperCase().replace('-', '_');
  }

  /** @return the value used when nothing sets the key ({@code ""} means unset) */
  public String defaultValue() {
    return defaultValue;
  }

  /** @return one sentence for operators */
  public String description() {
    return description;
  }

  /** @return the setting with this kebab-case key, if any */
  public static Optional<Setting> byKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }
}
