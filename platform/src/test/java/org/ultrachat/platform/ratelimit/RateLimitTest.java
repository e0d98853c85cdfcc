package org.ultrachat.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.ConfigException;

class RateLimitTest {
  @Test
  void parsesRequestsPerPeriodInSecondsMinutesAndHours() {
    assertThat(RateLimit.parse("100/15m")).isEqualTo(new RateLimit(100, Duration.ofMinutes(15)));
    assertThat(RateLimit.parse("5/30s")).isEqualTo(new RateLimit(5, Duration.ofSeconds(30)));
    assertThat(RateLimit.parse("1000/2h")).isEqualTo(new RateLimit(1000, Duration.ofHours(2)));
  }

  @Test
  void writesItselfBackAsConfigured() {
    assertThat(RateLimit.parse("100/15m")).hasToString("100/15m");
    assertThat(RateLimit.parse("6000/60m")).hasToString("6000/1h");
    assertThat(RateLimit.parse("7/90s")).hasToString("7/90s");
  }

  @Test
  void refusesTextThatIsNotARate() {
    for (String bad : new String[] {"", "100", "100/", "/15m", "100/15", "100/15d", "100/m", "1e3/1m", "-1/1m",
        "100 per 15m", "100/15M", "100/1.5m"}) {
      assertThatThrownBy(() -> RateLimit.parse(bad)).as(bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("is not a rate like 100/15m");
    }
  }

  @Test
  void refusesRatesOutOfRange() {
    assertThatThrownBy(() -> RateLimit.parse("0/1m")).hasMessageContaining("between 1 and 1000000000 requests");
    assertThatThrownBy(() -> RateLimit.parse("5000000000/1m"))
        .hasMessageContaining("between 1 and 1000000000 requests");
    assertThatThrownBy(() -> RateLimit.parse("10/0s")).hasMessageContaining("period between 1s and 24h");
    assertThatThrownBy(() -> RateLimit.parse("10/25h")).hasMessageContaining("period between 1s and 24h");
    assertThat(RateLimit.parse("10/24h").period()).isEqualTo(Duration.ofDays(1));
  }
}
