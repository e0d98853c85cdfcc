package org.ultrachat.gateway.realtime;

import java.util.concurrent.ConcurrentHashMap;

/** Open connections per user and per client address on this node, shared by its event loops. */
final class ConnectionLimits {
  private final int perUser;
  private final int perAddress;
  private final ConcurrentHashMap<String, Integer> users = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> addresses = new ConcurrentHashMap<>();

  ConnectionLimits(int perUser, int perAddress) {
    this.perUser = perUser;
    this.perAddress = perAddress;
  }

  /** Takes a place for a new connection. @return whether both the user and the address had one left */
  boolean open(String userId, String address) {
    if (!take(users, userId, perUser)) {
      return false;
    }
    if (!take(addresses, address, perAddress)) {
      release(users, userId);
      return false;
    }
    return true;
  }

  void close(String userId, String address) {
    release(users, userId);
    release(addresses, address);
  }

  private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] taken = new boolean[1];
    counts.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      taken[0] = now < max;
      return taken[0] ? now + 1 : (n);
    });
    return taken[0];
  }

  private static void release(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
