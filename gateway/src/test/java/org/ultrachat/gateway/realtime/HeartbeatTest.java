package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatTest {
  @Test
  void pingsAQuietClientOncePerIntervalAndClosesItAfterTheIdleTimeout() {
    Heartbeat heartbeat = new Heartbeat(0, 25_000, 60_000);
    assertThat(heartbeat.check(24_999)).isEqualTo(Heartbeat.Action.NONE);
    assertThat(heartbeat.check(25_000)).isEqualTo(Heartbeat.Action.PING);
    assertThat(heartbeat.check(26_000)).isEqualTo(Heartbeat.Action.NONE);
    assertThat(heartbeat.check(50_000)).isEqualTo(Heartbeat.Action.PING);
    assertThat(heartbeat.check(59_999)).isEqualTo(Heartbeat.Action.NONE);
    assertThat(heartbeat.check(60_000)).isEqualTo(Heartbeat.Action.CLOSE);
  }

  @Test
  void anythingHeardKeepsTheConnectionAlive() {
    Heartbeat heartbeat = new Heartbeat(0, 25_000, 60_000);
    assertThat(heartbeat.check(25_000)).isEqualTo(Heartbeat.Action.PING);
    heartbeat.heard(30_000);
    assertThat(heartbeat.check(54_999)).isEqualTo(Heartbeat.Action.NONE);
    assertThat(heartbeat.check(80_000)).isEqualTo(Heartbeat.Action.PING);
    assertThat(heartbeat.check(89_999)).isEqualTo(Heartbeat.Action.NONE);
    assertThat(heartbeat.check(90_000)).isEqualTo(Heartbeat.Action.CLOSE);
    // A late timestamp never moves life backwards.
    heartbeat.heard(10_000);
    assertThat(heartbeat.check(90_000)).isEqualTo(Heartbeat.Action.CLOSE);
  }
}
