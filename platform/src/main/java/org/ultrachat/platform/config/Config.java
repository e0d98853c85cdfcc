package org.ultrachat.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Effective configuration: defaults in code, then a properties file, then the environment,
 * then command-line flags, each overriding the one before. Immutable. It holds the values of
 * the keys it was loaded against; reading any other key gives that key's default.
 */
public final class Config {
  /** Environment variable naming the configuration file. */
  public static final String CONFIG_FILE_ENV = "ULTRACHAT_CONFIG";

  private final Map<String, String> values;

  private Config(Map<String, String> values) {
    this.values = values;
  }

  /** @return the defaults alone */
  public static Config defaults() {
    return new Config(Map.of());
  }

  /**
   * Builds the effective configuration.
   *
   * @param settings every key this process reads
   * @param file     an optional properties file with kebab-case keys
   * @param env      the process environment ({@code ULTRACHAT_*} variables are read)
   * @param flags    values given on the command line, by kebab-case key
   * @throws ConfigException when a file cannot be read, names an unknown key, or a value is invalid
   */
  public static Config load(List<Setting> settings, Optional<Path> file, Map<String, String> env,
                            Map<String, String> flags) {
    Map<String, Setting> known = new LinkedHashMap<>();
    for (Setting s : settings) {
      if (known.putIfAbsent(s.key(), s) != null) {
        throw new IllegalArgumentException("two settings declare the key " + s.key());
      }
    }
    Map<String, String> values = new HashMap<>();
    file.ifPresent(path -> readFile(path).forEach((k, v) -> values.put(known(known, k, "in " + path).key(), v)));
    for (Setting s : known.values()) {
      String v = env.get(s.envName());
      if (v != null) {
        values.put(s.key(), v);
      }
    }
    flags.forEach((k, v) -> values.put(known(known, k, "on the command line").key(), v));
    Config config = new Config(Map.copyOf(values));
    config.check(known.values());
    return config;
  }

  /** @return a copy with the given keys overridden, checked */
  public Config with(Map<Setting, String> overrides) {
    Map<String, String> copy = new HashMap<>(values);
    overrides.forEach((s, v) -> copy.put(s.key(), v));
    Config config = new Config(Map.copyOf(copy));
    config.check(overrides.keySet());
    return config;
  }

  /**
   * Checks the values of these keys, for a configuration built without them (from
   * {@link #defaults()}); every invalid value is reported at once.
   *
   * @return this
   * @throws ConfigException naming each key whose value cannot be used
   */
  public Config checked(Collection<Setting> settings) {
    check(settings);
    return this;
  }

  /** @return the value, trimmed; {@code ""} when unset */
  public String string(Setting s) {
    return values.getOrDefault(s.key(), s.defaultValue()).trim();
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
    return Path.of(string(NodeSettings.DATA_DIR));
  }

  private void check(Collection<Setting> settings) {
    List<String> errors = new ArrayList<>();
    for (Setting s : settings) {
      try {
        s.check(this);
      } catch (ConfigException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(String.join("; ", errors));
    }
  }

  private static Setting known(Map<String, Setting> known, String key, String where) {
    Setting s = known.get(key);
    if (s == null) {
      throw new ConfigException("unknown configuration key '" + key + "' " + where + "; see docs/configuration.md");
    }
    return s;
  }

  private static Map<String, String> readFile(Path path) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }
}
