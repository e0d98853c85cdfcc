package org.ultrachat.platform.config;

import java.util.List;
import java.util.Objects;

/**
 * One configuration key: its default, the sentence operators read, and the check its value must
 * pass. Keys are kebab-case in files and flags ({@code --http-port}) and {@code ULTRACHAT_*} in
 * the environment ({@code ULTRACHAT_HTTP_PORT}).
 *
 * <p>Whoever reads a key declares it: the platform's building blocks their own (the store, the
 * master key, the bus), and each service module the keys of its service. The node loads the
 * configuration against all of them; docs/configuration.md lists the same keys and a test keeps
 * the two equal.
 */
public final class Setting {
  /** Checks a value when the configuration loads; a problem is a {@link ConfigException} naming the key. */
  @FunctionalInterface
  public interface Check {
    /**
     * @param config the whole configuration, for checks that depend on another key
     * @throws ConfigException when the value cannot be used
     */
    void check(Config config, Setting setting);
  }

  private static final Check ANY = (config, setting) -> { };

  private final String key;
  private final String defaultValue;
  private final String description;
  private final Check check;

  private Setting(String key, String defaultValue, String description, Check check) {
    if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("a setting key is kebab-case: " + key);
    }
    this.key = key;
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    this.description = Objects.requireNonNull(description, "description");
    this.check = Objects.requireNonNull(check, "check");
  }

  /** @return a key whose value any text may be ({@code ""} as the default means unset) */
  public static Setting text(String key, String defaultValue, String description) {
    return new Setting(key, defaultValue, description, ANY);
  }

  /** @return a key whose value is a whole number between {@code min} and {@code max} */
  public static Setting integer(String key, String defaultValue, int min, int max, String description) {
    return new Setting(key, defaultValue, description, (config, s) -> {
      int v;
      try {
        v = config.integer(s);
      } catch (NumberFormatException e) {
        throw new ConfigException(s.key() + " must be a whole number (got '" + config.string(s) + "')");
      }
      if (v < min || v > max) {
        throw new ConfigException(s.key() + " must be between " + min + " and " + max + " (got " + v + ")");
      }
    });
  }

  /** @return a key whose value is one of {@code choices} */
  public static Setting oneOf(String key, String defaultValue, List<String> choices, String description) {
    return new Setting(key, defaultValue, description, (config, s) -> {
      if (!choices.contains(config.string(s))) {
        throw new ConfigException(s.key() + " must be " + String.join(" or ", choices) + " (got '"
            + config.string(s) + "')");
      }
    });
  }

  /** @return a key whose value passes {@code check} */
  public static Setting checked(String key, String defaultValue, String description, Check check) {
    return new Setting(key, defaultValue, description, check);
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

  /** @throws ConfigException when this key's value in {@code config} cannot be used */
  void check(Config config) {
    check.check(config, this);
  }

  @Override
  public String toString() {
    return key;
  }
}
