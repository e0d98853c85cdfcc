package org.ultrachat.gateway.realtime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.Authenticator.Caller;

/**
 * Fan-out of one already encoded event to {@code subscribers} live connections of one channel
 * through {@link Connection#deliver}, with sockets that only count what they are given: the
 * gateway's own per-socket cost, without the network. Scores are per event; divide by
 * {@code subscribers} for the cost per socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutBenchmark {
  static final String CHANNEL = "01JH8Z0CHANNEL0000000000001";

  /** A socket that is never full and only counts what is written to it. */
  static final class CountingSocket implements Socket {
    long frames;
    long chars;

    @Override
    public boolean full() {
      return false;
    }

    @Override
    public void write(String text) {
      frames++;
      chars += text.length();
    }

    @Override
    public void ping() {
    }

    @Override
    public void close(int code, String reason) {
    }

    @Override
    public void onDrain(Runnable then) {
      then.run();
    }
  }

  @Param({"100", "1000", "10000"})
  int subscribers;

  /** The feed's subscriber set, as {@code Hub.Feed} keeps it. */
  Set<Connection> feed;
  Connection[] connections;
  CountingSocket[] sockets;
  String text;
  long seq;

  @Setup(Level.Trial)
  public void setup() {
    RealtimeOptions options = RealtimeOptions.of(Config.defaults());
    RealtimeMetrics metrics = new RealtimeMetrics(new SimpleMeterRegistry());
    feed = new LinkedHashSet<>();
    connections = new Connection[subscribers];
    sockets = new CountingSocket[subscribers];
    long now = System.currentTimeMillis();
    for (int i = 0; i < subscribers; i++) {
      sockets[i] = new CountingSocket();
      Caller caller = new Caller("user-" + i, "member", Optional.of("session-" + i), Set.of());
      Connection c = new Connection(sockets[i], caller, "token-" + i, "10.0.0." + (i % 250), now, options, metrics,
          () -> {
            throw new IllegalStateException("a counting socket is never full");
          });
      // Live on the channel, as after hello and start: nothing held, nothing sent yet.
      c.channels.put(CHANNEL, new Connection.Delivery());
      c.ready = true;
      c.started = true;
      connections[i] = c;
      feed.add(c);
    }
    text = Frames.event(BenchEvents.messageCreated(CHANNEL, 1));
    seq = 0;
  }

  @TearDown(Level.Trial)
  public void check() {
    for (CountingSocket s : sockets) {
      if (s.frames != seq) {
        throw new IllegalStateException("a socket got " + s.frames + " frames of " + seq);
      }
    }
  }

  /** The loop of {@code Hub.pass}: a copy of the subscriber set, then deliver to each. */
  @Benchmark
  public void passLikeHub() {
    long s = ++seq;
    for (Connection c : List.copyOf(feed)) {
      c.deliver(CHANNEL, s, text);
    }
  }

  /** Deliver alone, over an array: the per-connection cost without the copy of the set. */
  @Benchmark
  public void deliverOnly() {
    long s = ++seq;
    for (Connection c : connections) {
      c.deliver(CHANNEL, s, text);
    }
  }
}
