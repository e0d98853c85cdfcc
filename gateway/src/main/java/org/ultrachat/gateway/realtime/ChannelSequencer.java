package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one channel's live events into {@code seq} order without gaps or repeats. The bus may
 * deliver an event twice, late, early, or not at all; commits publish in any order. The sequencer
 * passes each seq once, in order; holds an event that comes early until the ones before it are in;
 * and reports a gap, which the caller fills from the store ({@link #fill}) or, when the store no
 * longer has it, skips ({@link #skipGap}).
 *
 * <p>Until {@link #anchor} sets the position (the channel's last seq, read after the bus
 * subscription started), nothing passes: every event is held. Not thread-safe: one per channel
 * per event loop.
 */
final class ChannelSequencer {
  /** More held events than this and the oldest gap is skipped, so a lost event cannot pin memory. */
  static final int MAX_HELD = 10_000;

  private long position = -1;
  private final TreeMap<Long, JsonObject> early = new TreeMap<>();

  /** @return whether the position is known */
  boolean anchored() {
    return position >= 0;
  }

  /** @return the last seq passed on (or the anchor); -1 before anchoring */
  long position() {
    return position;
  }

  /** Sets the starting point: events up to {@code lastSeq} are in the store already. @return events now ready */
  List<JsonObject> anchor(long lastSeq) {
    position = Math.max(lastSeq, 0);
    return drain();
  }

  /** @return the events that can pass now, in order (possibly none) */
  List<JsonObject> offer(JsonObject event) {
    long seq = event.getLong("seq");
    if (anchored() && seq <= position) {
      return List.of();
    }
    if (anchored() && seq == position + 1 && early.isEmpty()) {
      // The common case, in order with nothing held: no map, no list to grow.
      position = seq;
      return List.of(event);
    }
    early.putIfAbsent(seq, event);
    if (early.size() > MAX_HELD && anchored()) {
      return skipGap();
    }
    return anchored() ? drain() : List.of();
  }

  /** Offers events read from the store to close a gap. @return the events that can pass now */
  List<JsonObject> fill(List<JsonObject> stored) {
    List<JsonObject> ready = new ArrayList<>();
    for (JsonObject event : stored) {
      ready.addAll(offer(event));
    }
    return ready;
  }

  /** @return whether events are held behind a missing one */
  boolean hasGap() {
    return anchored() && !early.isEmpty();
  }

  /** @return the last missing seq of the first gap (the seq before the first held event) */
  long gapEnd() {
    return early.firstKey() - 1;
  }

  /** Gives up on the first gap (the store no longer has it) and passes what follows it. */
  List<JsonObject> skipGap() {
    if (early.isEmpty()) {
      return List.of();
    }
    position = early.firstKey() - 1;
    return drain();
  }

  private List<JsonObject> drain() {
    List<JsonObject> ready = new ArrayList<>();
    while (!early.isEmpty()) {
      Map.Entry<Long, JsonObject> first = early.firstEntry();
      if (first.getKey() <= position) {
        early.pollFirstEntry();
      } else if (first.getKey() == position + 1) {
        early.pollFirstEntry();
        ready.add(first.getValue());
        position = first.getKey();
      } else {
        break;
      }
    }
    return ready;
  }
}
