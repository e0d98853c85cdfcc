package org.ultrachat.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.ultrachat.platform.ratelimit.ClientAddress;
import org.ultrachat.platform.ratelimit.RateLimit;

/**
 * Effective configuration: defaults in code, then a properties file, then the environment,
 * then command-line flags, each overriding the one before. Immutable.
 */
public final class Config {
  /** Environment variable naming the configuration file. */
  public static final String CONFIG_FILE_ENV = "ULTRACHAT_CONFIG";

  private final Map<Setting, String> values;

  private Config(Map<Setting, String> values) {
    this.values = values;
  }

  /** @return the defaults alone */
  public static Config defaults() {
    return load(Optional.empty(), Map.of(), Map.of());
  }

  /**
   * Builds the effective configuration.
   *
   * @param file  an optional properties file with kebab-case keys
   * @param env   the process environment ({@code ULTRACHAT_*} variables are read)
   * @param flags values given on the command line, by kebab-case key
   * @throws ConfigException when a file cannot be read, names an unknown key, or a value is invalid
   */
  public static Config load(Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      values.put(s, s.defaultValue());
    }
    file.ifPresent(path -> readFile(path).forEach((k, v) -> values.put(known(k, "in " + path), v)));
    for (Setting s : Setting.values()) {
      String v = env.get(s.envName());
      if (v != null) {
        values.put(s, v);
      }
    }
    flags.forEach((k, v) -> values.put(known(k, "on the command line"), v));
    Config config = new Config(values);
    config.validate();
    return config;
  }

  /** @return a copy with the given keys overridden, validated */
  public Config with(Map<Setting, String> overrides) {
    Map<Setting, String> copy = new EnumMap<>(values);
    copy.putAll(overrides);
    Config config = new Config(copy);
    config.validate();
    return config;
  }

  /** @return the value, trimmed; {@code ""} when unset */
  public String string(Setting s) {
    return values.get(s).trim();
  }

  /** @return the value, or empty when unset */
  public Optional<String> optional(Setting s) {
    String v = string(s);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** @return the value as an int */
  public int integer(Setting s) {
    return Integer.parseInt(string(s));
  }

  /** @return the value as a comma-separated list, blanks dropped */
  public List<String> list(Setting s) {
    return Arrays.stream(string(s).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** @return the data directory */
  public Path dataDir() {
    return Path.of(string(Setting.DATA_DIR));
  }

  private void validate() {
    List<String> errors = new ArrayList<>();
    range(errors, Setting.HTTP_PORT, 0, 65535);
    range(errors, Setting.HTTP_MAX_BODY_BYTES, 1, 1 << 30);
    range(errors, Setting.HTTP_EVENT_LOOPS, 0, 256);
    range(errors, Setting.DB_POOL_SIZE, 1, 1000);
    range(errors, Setting.DB_BUSY_TIMEOUT_MS, 0, 600_000);
    optional(Setting.DB_URL).filter(url -> !url.startsWith("postgresql://") && !url.startsWith("postgres://"))
        .ifPresent(url -> errors.add(Setting.DB_URL.key() + " must start with postgresql:// (got a different scheme)"));
    range(errors, Setting.PASSWORD_HASH_MEMORY_KIB, 19_456, 4 * 1024 * 1024);
    range(errors, Setting.PASSWORD_HASH_ITERATIONS, 2, 100);
    range(errors, Setting.PASSWORD_HASH_PARALLELISM, 1, 64);
    for (Setting cache : List.of(Setting.CACHE_DEFAULT, Setting.CACHE_USERS, Setting.CACHE_CHANNEL_MEMBERS,
        Setting.CACHE_CHANNELS, Setting.CACHE_RECENT_MESSAGES)) {
      try {
        org.ultrachat.platform.cache.CacheSpec.parse(string(cache), cache.key());
      } catch (ConfigException e) {
        errors.add(e.getMessage());
      }
    }
    if (!List.of("on", "off").contains(string(Setting.CHAT_ENCRYPTION))) {
      errors.add(Setting.CHAT_ENCRYPTION.key() + " must be on or off (got '" + string(Setting.CHAT_ENCRYPTION) + "')");
    }
    if (!List.of("open", "closed").contains(string(Setting.REGISTRATION))) {
      errors.add(Setting.REGISTRATION.key() + " must be open or closed (got '" + string(Setting.REGISTRATION) + "')");
    }
    for (Setting s : List.of(Setting.RATE_LIMIT_AUTH, Setting.RATE_LIMIT_API_IP, Setting.RATE_LIMIT_API_USER,
        Setting.RATE_LIMIT_LOGIN)) {
      parses(errors, () -> RateLimit.of(this, s));
    }
    parses(errors, () -> ClientAddress.of(this));
    optional(Setting.DB_REPLICA_URL).ifPresent(url -> {
      if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
        errors.add(Setting.DB_REPLICA_URL.key() + " must start with postgresql://");
      } else if (optional(Setting.DB_URL).isEmpty()) {
        errors.add(Setting.DB_REPLICA_URL.key() + " needs db-url: a replica serves a PostgreSQL primary");
      }
    });
    for (String origin : list(Setting.CORS_ORIGINS)) {
      if (!origin.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?")) {
        errors.add(Setting.CORS_ORIGINS.key() + ": '" + origin + "' is not an origin like https://chat.example.com");
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(String.join("; ", errors));
    }
  }

  /** Runs the parser the setting's user runs, so a bad value stops the start instead of the first request. */
  private static void parses(List<String> errors, Runnable parse) {
    try {
      parse.run();
    } catch (ConfigException e) {
      errors.add(e.getMessage());
    }
  }

  private void range(List<String> errors, Setting s, int min, int max) {
    try {
      int v = integer(s);
      if (v < min || v > max) {
        errors.add(s.key() + " must be between " + min + " and " + max + " (got " + v + ")");
      }
    } catch (NumberFormatException e) {
      errors.add(s.key() + " must be a whole number (got '" + string(s) + "')");
    }
  }

  private static Setting known(String key, String where) {
    return Setting.byKey(key).orElseThrow(() -> new ConfigException("unknown configuration key '" + key + "' "
        + where + "; see docs/configuration.md"));
  }

  private static Map<String, String> readFile(Path path) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage());
    }
    Map<String, String> out = new java.util.TreeMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }
}
