package org.ultrachat.gateway.realtime;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who is online on this node, across a user's devices: {@code online} when any connection is
 * online, {@code away} when all are away, {@code offline} when none is open. Ephemeral: never
 * stored. Shared by the node's event loops; each user's devices are changed under that user's lock.
 * In a cluster, {@link ClusterPresence} combines the nodes' views in Redis.
 */
final class Presence {
  enum Status {
    ONLINE, AWAY, OFFLINE;

    String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Status> settable(String value) {
      return switch (value) {
        case "online" -> Optional.of(ONLINE);
        case "away" -> Optional.of(AWAY);
        default -> Optional.empty();
      };
    }
  }

  private final ConcurrentHashMap<String, Map<String, Status>> devices = new ConcurrentHashMap<>();

  /**
   * Sets one connection's status.
   *
   * @return the user's new overall status, when it changed
   */
  Optional<Status> set(String userId, String connectionId, Status status) {
    return change(userId, d -> d.put(connectionId, status));
  }

  /** Forgets a closed connection. @return the user's new overall status, when it changed */
  Optional<Status> remove(String userId, String connectionId) {
    return change(userId, d -> d.remove(connectionId));
  }

  Status of(String userId) {
    Map<String, Status> d = devices.get(userId);
    if (d == null) {
      return Status.OFFLINE;
    }
    synchronized (d) {
      return overall(d);
    }
  }

  /** @return every user with a connection on this node, with their status here */
  Map<String, Status> here() {
    Map<String, Status> all = new HashMap<>();
    devices.forEach((userId, d) -> {
      synchronized (d) {
        if (!d.isEmpty()) {
          all.put(userId, overall(d));
        }
      }
    });
    return all;
  }

  private Optional<Status> change(String userId, Consumer<Map<String, Status>> edit) {
    Status[] result = new Status[2];
    devices.compute(userId, (id, d) -> {
      Map<String, Status> current = d == null ? new HashMap<>(2) : d;
      synchronized (current) {
        result[0] = overall(current);
        edit.accept(current);
        result[1] = overall(current);
      }
      return current.isEmpty() ? null : current;
    });
    return result[0] == result[1] ? Optional.empty() : Optional.of(result[1]);
  }

  private static Status overall(Map<String, Status> d) {
    if (d.isEmpty()) {
      return Status.OFFLINE;
    }
    return d.containsValue(Status.ONLINE) ? Status.ONLINE : Status.AWAY;
  }
}
