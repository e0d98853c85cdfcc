package org.ultrachat.platform.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;

/**
 * A token-bucket rate: a bucket holds up to {@code capacity} requests and refills them evenly
 * over {@code period}. Written {@code requests/period} in configuration, e.g. {@code 100/15m}.
 *
 * @param capacity requests a client may make in a burst, and per period
 * @param period   time in which an empty bucket refills completely, 1 second to 24 hours
 */
public record RateLimit(long capacity, Duration period) {
  /** The longest period accepted. */
  public static final Duration LONGEST_PERIOD = Duration.ofHours(24);
  private static final long MOST_REQUESTS = 1_000_000_000L;
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,10})/(\\d{1,6})([smh])");

  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (capacity < 1 || capacity > MOST_REQUESTS) {
      throw new IllegalArgumentException("capacity must be between 1 and " + MOST_REQUESTS + ": " + capacity);
    }
    if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(LONGEST_PERIOD) > 0) {
      throw new IllegalArgumentException("period must be between 1s and 24h: " + period);
    }
  }

  /**
   * @param text {@code requests/period}, the period a whole number followed by {@code s}, {@code m} or {@code h}
   * @throws ConfigException when the text is not such a rate or is out of range
   */
  public static RateLimit parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new ConfigException("'" + text + "' is not a rate like 100/15m (requests/period, period in s, m or h)");
    }
    long capacity = Long.parseLong(m.group(1));
    long amount = Long.parseLong(m.group(2));
    Duration period = switch (m.group(3)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
    if (capacity < 1 || capacity > MOST_REQUESTS) {
      throw new ConfigException("'" + text + "' must allow between 1 and " + MOST_REQUESTS + " requests");
    }
    if (period.isZero() || period.compareTo(LONGEST_PERIOD) > 0) {
      throw new ConfigException("'" + text + "' must have a period between 1s and 24h");
    }
    return new RateLimit(capacity, period);
  }

  /** @return a key holding a rate ({@code 100/15m}), checked at load as its limiter reads it */
  public static Setting setting(String key, String defaultValue, String description) {
    return Setting.checked(key, defaultValue, description, RateLimit::of);
  }

  /**
   * @return the rate configured under the setting
   * @throws ConfigException naming the key when its value is not a valid rate
   */
  public static RateLimit of(Config config, Setting setting) {
    try {
      return parse(config.string(setting));
    } catch (ConfigException e) {
      throw new ConfigException(setting.key() + ": " + e.getMessage());
    }
  }

  /** @return the rate as written in configuration, e.g. {@code 100/15m} */
  @Override
  public String toString() {
    long seconds = period.toSeconds();
    if (seconds % 3600 == 0) {
      return capacity + "/" + seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? capacity + "/" + seconds / 60 + "m" : capacity + "/" + seconds + "s";
  }
}
