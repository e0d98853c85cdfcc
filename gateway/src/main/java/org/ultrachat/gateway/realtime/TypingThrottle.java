package org.ultrachat.gateway.realtime;

import java.util.HashMap;
import java.util.Map;

/** Passes at most one typing notice per channel (or thread) per interval for one connection. */
final class TypingThrottle {
  static final long INTERVAL_MS = 3_000;
  /** Bounds the memory one connection can make us hold. */
  private static final int MAX_KEYS = 256;

  /** Made on the first notice: most connections never send one. */
  private Map<String, Long> last;

  /** @return whether a typing notice at {@code nowMs} for {@code key} passes */
  boolean pass(String key, long nowMs) {
    if (last == null) {
      last = new HashMap<>(4);
    }
    Long before = last.get(key);
    if (before != null && nowMs - before < INTERVAL_MS) {
      return false;
    }
    if (last.size() >= MAX_KEYS) {
      last.values().removeIf(t -> nowMs - t >= INTERVAL_MS);
      if (last.size() >= MAX_KEYS) {
        return false;
      }
    }
    last.put(key, nowMs);
    return true;
  }
}
