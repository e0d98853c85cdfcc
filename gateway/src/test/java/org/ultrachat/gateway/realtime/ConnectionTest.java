package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.Authenticator.Caller;

/** The seam between replayed and live events, and the slow-consumer cut, on a recording socket. */
class ConnectionTest {
  /** A socket that records what is written; {@code full} plays a client that stopped reading. */
  static final class RecordingSocket implements Socket {
    final List<String> written = new ArrayList<>();
    boolean full;
    int closedWith;

    @Override
    public boolean full() {
      return full;
    }

    @Override
    public void write(String text) {
      written.add(text);
    }

    @Override
    public void ping() {
    }

    @Override
    public void close(int code, String reason) {
      closedWith = code;
    }

    @Override
    public void onDrain(Runnable then) {
    }
  }

  private final RecordingSocket socket = new RecordingSocket();
  private final RealtimeMetrics metrics = new RealtimeMetrics(new SimpleMeterRegistry());
  private int slow;
  private final Connection connection = new Connection(socket, new Caller("u", "member", Optional.empty(), Set.of("*")),
      "token", "127.0.0.1", 0, RealtimeOptions.of(Config.defaults()), metrics, () -> slow++);

  private Connection.Delivery subscribed(String channelId, boolean hold) {
    Connection.Delivery d = new Connection.Delivery();
    if (hold) {
      d.held = new ArrayDeque<>();
    }
    connection.channels.put(channelId, d);
    return d;
  }

  @Test
  void liveEventsArePassedOnceInOrder() {
    subscribed("c", false);
    connection.deliver("c", 1, "e1");
    connection.deliver("c", 2, "e2");
    connection.deliver("c", 2, "e2");
    connection.deliver("other", 3, "not subscribed");
    assertThat(socket.written).containsExactly("e1", "e2");
  }

  @Test
  void heldEventsFollowTheReplayWithoutRepeatingIt() {
    Connection.Delivery d = subscribed("c", true);
    // Live events arrive while the replay reads the store: they wait.
    connection.deliver("c", 5, "e5");
    connection.deliver("c", 6, "e6");
    assertThat(socket.written).isEmpty();
    // The replay wrote up to 5 (its read saw the commit of 5 but not of 6).
    for (long seq = 3; seq <= 5; seq++) {
      connection.writeReplayed("r" + seq);
      d.lastSent = seq;
    }
    connection.release(d);
    connection.deliver("c", 7, "e7");
    assertThat(socket.written).containsExactly("r3", "r4", "r5", "e6", "e7");
    assertThat(metrics.replayed.count()).isEqualTo(3.0);
  }

  @Test
  void heldEventsAreBoundedAndTheOverflowIsReported() {
    Connection.Delivery d = subscribed("c", true);
    for (int seq = 1; seq <= Connection.MAX_HELD + 5; seq++) {
      connection.deliver("c", seq, "e" + seq);
    }
    assertThat(d.held).hasSize(Connection.MAX_HELD);
    assertThat(d.overflowed).isTrue();
  }

  @Test
  void aClientThatStopsReadingIsCutOffNotBuffered() {
    subscribed("c", false);
    connection.deliver("c", 1, "e1");
    socket.full = true;
    connection.deliver("c", 2, "e2");
    assertThat(slow).isEqualTo(1);
    assertThat(socket.written).containsExactly("e1");
  }

  @Test
  void removalsAreRememberedBySeq() {
    connection.departed("c", 10);
    assertThat(connection.departedAfter("c", 10)).isTrue();
    assertThat(connection.departedAfter("c", 11)).isFalse();
    assertThat(connection.departedAfter("d", 1)).isFalse();
  }

  @Test
  void theFrameBudgetIsABucketRefilledEvenly() {
    Config config = Config.defaults().with(Map.of(RealtimeSettings.RATE_LIMIT, "4/1s"));
    Connection c = new Connection(socket, new Caller("u", "member", Optional.empty(), Set.of("*")), "token",
        "127.0.0.1", 0, RealtimeOptions.of(config), metrics, () -> slow++);
    long t = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      assertThat(c.takeFrame(t)).as("frame %d of the burst", i).isZero();
    }
    // Empty: the next token comes a quarter period on.
    assertThat(c.takeFrame(t)).isEqualTo(250);
    assertThat(c.takeFrame(t + 100_000_000L)).isEqualTo(150);
    assertThat(c.takeFrame(t + 250_000_000L)).isZero();
    assertThat(c.takeFrame(t + 250_000_000L)).isPositive();
    // Quiet for longer than the period: a full burst again, not more.
    long later = t + 5_000_000_000L;
    for (int i = 0; i < 4; i++) {
      assertThat(c.takeFrame(later)).isZero();
    }
    assertThat(c.takeFrame(later)).isPositive();
  }
}
