package org.ultrachat.auth;

import java.util.List;
import org.ultrachat.platform.cache.CacheSpec;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.ratelimit.RateLimit;

/** The keys of the auth service. */
public final class AuthSettings {
  public static final Setting REGISTRATION = Setting.oneOf("registration", "open", List.of("open", "closed"),
      "Who may create accounts at POST /v1/auth/register: open (anyone) or closed (admins provision users).");
  public static final Setting PASSWORD_HASH_MEMORY_KIB = Setting.integer("password-hash-memory-kib", "19456",
      19_456, 4 * 1024 * 1024,
      "Argon2id memory cost in KiB (OWASP minimum 19456). Raising it rehashes passwords at next login.");
  public static final Setting PASSWORD_HASH_ITERATIONS = Setting.integer("password-hash-iterations", "2", 2, 100,
      "Argon2id time cost (OWASP minimum 2 at 19 MiB).");
  public static final Setting PASSWORD_HASH_PARALLELISM = Setting.integer("password-hash-parallelism", "1", 1, 64,
      "Argon2id parallelism.");
  public static final Setting RATE_LIMIT_LOGIN = RateLimit.setting("rate-limit-login", "10/15m",
      "Login attempts per account (username), whatever address they come from.");
  public static final Setting CACHE_USERS = CacheSpec.setting("cache-users", "ttl=30s,max=100000",
      "User records that authenticate requests and answer directory lookups (auth invalidates on change).");

  /** Every key of the auth service, in the order the documentation lists them. */
  public static final List<Setting> ALL = List.of(REGISTRATION, PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS,
      PASSWORD_HASH_PARALLELISM, RATE_LIMIT_LOGIN, CACHE_USERS);

  private AuthSettings() {
  }
}
