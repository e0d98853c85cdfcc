package org.ultrachat.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * Open-loop pacing: the n-th action is due at {@code start + n / rate}, fixed in advance, and is
 * done with that intended time (epoch microseconds) whatever the server's answers do, so that a
 * stalled server shows in the latencies instead of slowing the load.
 */
final class Schedule {
  private static final long TICK_MS = 2;

  private Schedule() {
  }

  /** Runs {@code action(intendedMicros)} {@code perSecond} times a second for {@code seconds}. */
  static Future<Void> fixedRate(Vertx vertx, double perSecond, double seconds, LongConsumer action) {
    Promise<Void> done = Promise.promise();
    if (perSecond <= 0 || seconds <= 0) {
      return vertx.timer((long) (seconds * 1000)).mapEmpty();
    }
    long start = nowMicros();
    long end = start + (long) (seconds * 1e6);
    double gap = 1e6 / perSecond;
    long[] n = {0};
    vertx.setPeriodic(TICK_MS, id -> {
      long now = nowMicros();
      while (true) {
        long due = start + (long) (n[0] * gap);
        if (due > now || due >= end) {
          break;
        }
        n[0]++;
        action.accept(due);
      }
      if (start + (long) (n[0] * gap) >= end) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** @return the number in {@code "<key>":<digits>} or {@code <key><digits>} found in text, or -1 */
  static long numberAfter(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + key.length();
    int start = i;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      v = v * 10 + (text.charAt(i++) - '0');
    }
    return i == start ? -1 : v;
  }
}
