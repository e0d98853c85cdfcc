package org.ultrachat.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one process measures: named counters and named latency histograms (microseconds), both
 * also cut into one-second intervals for charts over time. Latencies are recorded from the
 * intended time of the action (open loop), so a stalled server shows in the tail instead of
 * slowing the schedule. Thread-safe: HdrHistogram recorders take concurrent writers.
 */
final class Meter {
  /** Highest latency tracked: one minute, in microseconds. */
  static final long MAX_MICROS = 60_000_000L;

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
  private final Map<String, Histogram> totals = new ConcurrentHashMap<>();

  void count(String name) {
    count(name, 1);
  }

  void count(String name, long n) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  /** Records a latency in microseconds (clamped to the tracked range). */
  void latency(String name, long micros) {
    recorders.computeIfAbsent(name, k -> new Recorder(MAX_MICROS, 3)).recordValue(Math.max(0, Math.min(micros, MAX_MICROS)));
  }

  /** One second (or so) of measurements: counters since the last cut and interval histograms. */
  record Interval(long epochSecond, Map<String, Long> counts, Map<String, Histogram> latencies) {
  }

  private final Map<String, Long> lastCounts = new ConcurrentHashMap<>();

  /** Cuts the interval since the previous cut; the totals keep accumulating. */
  synchronized Interval cut(long epochSecond) {
    Map<String, Long> counts = new TreeMap<>();
    counters.forEach((name, adder) -> {
      long now = adder.sum();
      counts.put(name, now - lastCounts.getOrDefault(name, 0L));
      lastCounts.put(name, now);
    });
    Map<String, Histogram> latencies = new TreeMap<>();
    recorders.forEach((name, recorder) -> {
      Histogram interval = recorder.getIntervalHistogram();
      latencies.put(name, interval);
      totals.computeIfAbsent(name, k -> new Histogram(MAX_MICROS, 3)).add(interval);
    });
    return new Interval(epochSecond, counts, latencies);
  }

  /** @return counters so far */
  Map<String, Long> counts() {
    Map<String, Long> all = new TreeMap<>();
    counters.forEach((name, adder) -> all.put(name, adder.sum()));
    return all;
  }

  /** @return every latency recorded up to the last cut */
  Map<String, Histogram> totals() {
    return new TreeMap<>(totals);
  }

  // ---- histograms between processes (workers print them on stdout)

  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), MAX_MICROS);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }
}
