package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypingThrottleTest {
  @Test
  void passesOneNoticePerChannelPerInterval() {
    TypingThrottle throttle = new TypingThrottle();
    assertThat(throttle.pass("a", 0)).isTrue();
    assertThat(throttle.pass("a", TypingThrottle.INTERVAL_MS - 1)).isFalse();
    assertThat(throttle.pass("b", 1)).isTrue();
    assertThat(throttle.pass("a", TypingThrottle.INTERVAL_MS)).isTrue();
  }

  @Test
  void holdsABoundedNumberOfChannels() {
    TypingThrottle throttle = new TypingThrottle();
    int passed = 0;
    for (int i = 0; i < 1_000; i++) {
      passed += throttle.pass("c" + i, 0) ? 1 : 0;
    }
    assertThat(passed).isEqualTo(256);
    // Once the interval is over, the old entries make room.
    assertThat(throttle.pass("new", TypingThrottle.INTERVAL_MS)).isTrue();
  }
}
