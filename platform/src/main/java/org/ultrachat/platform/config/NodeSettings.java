package org.ultrachat.platform.config;

import java.util.List;
import org.ultrachat.platform.cache.CacheSpec;
import org.ultrachat.platform.ratelimit.ClientAddress;

/**
 * The keys of the node itself, whatever services it runs: where its data and store are, the
 * master key, the cluster's bus and secret, the cache bounds every cache starts from, and the
 * proxies it trusts. The node's services and each service module declare their own keys.
 */
public final class NodeSettings {
  public static final Setting DATA_DIR = Setting.text("data-dir", "./data",
      "Directory for the embedded database and generated keys.");
  public static final Setting DB_URL = Setting.checked("db-url", "",
      "PostgreSQL URL (postgresql://user:password@host:5432/db). Empty: the embedded SQLite store under data-dir.",
      (config, s) -> config.optional(s).filter(url -> !postgres(url)).ifPresent(url -> {
        throw new ConfigException(s.key() + " must start with postgresql:// (got a different scheme)");
      }));
  public static final Setting DB_REPLICA_URL = Setting.checked("db-replica-url", "",
      "PostgreSQL read replica for reads that tolerate lag (history, threads, search). Empty: the primary serves them.",
      (config, s) -> config.optional(s).ifPresent(url -> {
        if (!postgres(url)) {
          throw new ConfigException(s.key() + " must start with postgresql://");
        }
        if (config.optional(DB_URL).isEmpty()) {
          throw new ConfigException(s.key() + " needs db-url: a replica serves a PostgreSQL primary");
        }
      }));
  public static final Setting DB_POOL_SIZE = Setting.integer("db-pool-size", "8", 1, 1000,
      "Maximum connections in the database pool (readers, on SQLite).");
  public static final Setting DB_BUSY_TIMEOUT_MS = Setting.integer("db-busy-timeout-ms", "5000", 0, 600_000,
      "SQLite only: how long a statement waits for a lock before failing, in milliseconds.");
  public static final Setting REDIS_URL = Setting.text("redis-url", "",
      "Redis URL (redis://host:6379) for the cluster bus between nodes. Empty: an in-process bus (one node).");
  public static final Setting CLUSTER_SECRET = Setting.text("cluster-secret", "",
      "Secret (32+ characters) nodes use to call each other's /internal routes. Empty: those routes are off.");
  public static final Setting CACHE_DEFAULT = Setting.checked("cache-default", "ttl=1h,max=1000000",
      "Global cache bounds, for every cache that does not set its own: ttl=<30s|5m|1h|1d>,max=<entries>.",
      (config, s) -> CacheSpec.parse(config.string(s), s.key()));
  public static final Setting TRUSTED_PROXIES = Setting.checked("trusted-proxies", "",
      "Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed. Empty: none.",
      (config, s) -> ClientAddress.of(config));
  public static final Setting MASTER_KEY_FILE = Setting.text("master-key-file", "",
      "File holding the base64 256-bit master key that wraps data keys. Empty: data-dir/keys/master.key, "
          + "generated on first start (back it up).");
  public static final Setting MASTER_KEY = Setting.text("master-key", "",
      "The base64 master key itself; takes precedence over master-key-file. Prefer the environment (ULTRACHAT_MASTER_KEY).");

  /** Every key of the node, in the order the documentation lists them. */
  public static final List<Setting> ALL = List.of(DATA_DIR, DB_URL, DB_REPLICA_URL, DB_POOL_SIZE, DB_BUSY_TIMEOUT_MS,
      REDIS_URL, CLUSTER_SECRET, CACHE_DEFAULT, TRUSTED_PROXIES, MASTER_KEY_FILE, MASTER_KEY);

  private NodeSettings() {
  }

  private static boolean postgres(String url) {
    return url.startsWith("postgresql://") || url.startsWith("postgres://");
  }
}
