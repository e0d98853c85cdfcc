package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link ChannelSequencer#offer} of in-order events: the per-event cost of ordering a channel's
 * live events before the fan-out ({@code Hub.channelEvent}). Its own class so that it does not
 * repeat for each subscriber count of {@link FanoutBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SequencerBenchmark {
  ChannelSequencer sequencer;
  JsonObject event;
  long seq;

  @Setup(Level.Trial)
  public void setup() {
    sequencer = new ChannelSequencer();
    sequencer.anchor(0);
    event = BenchEvents.messageCreated(FanoutBenchmark.CHANNEL, 1);
    seq = 0;
  }

  @TearDown(Level.Trial)
  public void check() {
    if (sequencer.position() != seq || sequencer.hasGap()) {
      throw new IllegalStateException("sequencer at " + sequencer.position() + ", offered up to " + seq);
    }
  }

  /** The next event in order: held for a moment in the sequencer's map, then passed. */
  @Benchmark
  public List<JsonObject> offerInOrder() {
    // One event object, its seq bumped: offer only reads the seq, and no allocation of ours is measured.
    event.put("seq", ++seq);
    return sequencer.offer(event);
  }
}
