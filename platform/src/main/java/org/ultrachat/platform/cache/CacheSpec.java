package org.ultrachat.platform.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;

/**
 * How one cache forgets: after a time since it was written, beyond a size, or both. Written
 * {@code ttl=5m,max=500000}; either part may be left out, and a missing part comes from the
 * global default ({@code cache-default}).
 */
public record CacheSpec(Optional<Duration> ttl, Optional<Long> maxSize) {
  /** Keys named {@code cache-<name>} bound the cache {@code <name>}; {@link Caches} finds them by that prefix. */
  public static final String KEY_PREFIX = "cache-";

  /**
   * @param key {@code cache-} and the name of the cache it bounds
   * @return a key holding a cache spec, checked at load
   */
  public static Setting setting(String key, String defaultValue, String description) {
    if (!key.startsWith(KEY_PREFIX)) {
      throw new IllegalArgumentException("a cache key starts with " + KEY_PREFIX + ": " + key);
    }
    return Setting.checked(key, defaultValue, description, (config, s) -> parse(config.string(s), s.key()));
  }

  /**
   * @param text   the setting's value, e.g. {@code ttl=1h,max=1000000}; blank means "all from the default"
   * @param setting the key, for error messages
   */
  public static CacheSpec parse(String text, String setting) {
    Optional<Duration> ttl = Optional.empty();
    Optional<Long> max = Optional.empty();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] kv = p.split("=", 2);
      if (kv.length != 2) {
        throw new ConfigException(setting + ": '" + p + "' is not ttl=<duration> or max=<entries>");
      }
      switch (kv[0].trim()) {
        case "ttl" -> ttl = Optional.of(duration(kv[1].trim(), setting));
        case "max" -> {
          try {
            long n = Long.parseLong(kv[1].trim());
            if (n < 1) {
              throw new NumberFormatException();
            }
            max = Optional.of(n);
          } catch (NumberFormatException e) {
            throw new ConfigException(setting + ": max must be a whole number of entries, at least 1");
          }
        }
        default -> throw new ConfigException(setting + ": unknown part '" + kv[0].trim() + "' (use ttl and max)");
      }
    }
    return new CacheSpec(ttl, max);
  }

  /** @return this spec with missing parts taken from the default */
  public CacheSpec over(CacheSpec fallback) {
    return new CacheSpec(ttl.or(fallback::ttl), maxSize.or(fallback::maxSize));
  }

  private static Duration duration(String text, String setting) {
    Matcher m = Pattern.compile("(\\d{1,9})(s|m|h|d)").matcher(text);
    if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
      throw new ConfigException(setting + ": ttl must look like 30s, 5m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
