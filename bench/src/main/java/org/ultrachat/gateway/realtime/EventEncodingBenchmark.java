package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one {@code message.created} bus event (nested message, 200-char body) into its wire
 * frame with {@link Frames#event}: what {@code Hub.pass} does once per event. The per-socket
 * variants show what encoding once per event saves: the same frame encoded for each of
 * {@code sockets} subscribers, against one encoding shared by all of them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventEncodingBenchmark {
  @Param({"100"})
  int sockets;

  JsonObject event;

  @Setup
  public void setup() {
    event = BenchEvents.messageCreated("01JH8Z0CHANNEL0000000000001", 4242);
    String frame = Frames.event(event);
    if (!new JsonObject(frame).getJsonObject("event").getJsonObject("message").getString("body")
        .equals(BenchEvents.BODY)) {
      throw new IllegalStateException("the frame does not round-trip: " + frame);
    }
  }

  /** One event, one frame. */
  @Benchmark
  public String encodeOnce() {
    return Frames.event(event);
  }

  /** One event to {@code sockets} subscribers, encoded once and shared (what the gateway does). */
  @Benchmark
  public void encodeOnceShared(Blackhole bh) {
    String text = Frames.event(event);
    for (int i = 0; i < sockets; i++) {
      bh.consume(text);
    }
  }

  /** One event to {@code sockets} subscribers, encoded again for each (what the gateway avoids). */
  @Benchmark
  public void encodePerSocket(Blackhole bh) {
    for (int i = 0; i < sockets; i++) {
      bh.consume(Frames.event(event));
    }
  }
}
