package org.ultrachat.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ultrachat.platform.store.Ids;

/**
 * Presence across the nodes of a cluster, in Redis. Each user has a hash
 * ({@code ultrachat:presence:<userId>}) with one field per node where the user has a connection:
 * that node's status for the user and when the entry expires. A node renews its entries every
 * {@link #HEARTBEAT_MS}, so a node that dies without a word stops counting after {@link #TTL_MS}.
 * A user is online when any live entry says online, away when all say away, offline without one.
 */
final class ClusterPresence {
  static final long TTL_MS = 45_000;
  static final long HEARTBEAT_MS = 15_000;
  private static final String PREFIX = "ultrachat:presence:";

  private final Redis redis;
  private final String node = Ids.newId();

  ClusterPresence(Redis redis) {
    this.redis = redis;
  }

  /**
   * Records this node's status for the user (offline: this node has no connection of theirs).
   *
   * @return the user's status across the cluster afterwards
   */
  Future<Presence.Status> record(String userId, Presence.Status here) {
    String key = PREFIX + userId;
    long now = System.currentTimeMillis();
    Request write = here == Presence.Status.OFFLINE
        ? Request.cmd(Command.HDEL).arg(key).arg(node)
        : Request.cmd(Command.HSET).arg(key).arg(node).arg(here.value() + "|" + (now + TTL_MS));
    return redis.batch(List.of(write, Request.cmd(Command.PEXPIRE).arg(key).arg(TTL_MS),
            Request.cmd(Command.HGETALL).arg(key)))
        .map(answers -> overall(answers.get(2), now));
  }

  /** Renews this node's entries for its connected users (their status here). */
  Future<Void> heartbeat(Map<String, Presence.Status> here) {
    if (here.isEmpty()) {
      return Future.succeededFuture();
    }
    long expires = System.currentTimeMillis() + TTL_MS;
    List<Request> writes = new ArrayList<>();
    here.forEach((userId, status) -> {
      writes.add(Request.cmd(Command.HSET).arg(PREFIX + userId).arg(node).arg(status.value() + "|" + expires));
      writes.add(Request.cmd(Command.PEXPIRE).arg(PREFIX + userId).arg(TTL_MS));
    });
    return redis.batch(writes).mapEmpty();
  }

  /** @return each user's status across the cluster */
  Future<Map<String, Presence.Status>> statuses(List<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    long now = System.currentTimeMillis();
    List<Request> reads = userIds.stream().map(u -> Request.cmd(Command.HGETALL).arg(PREFIX + u)).toList();
    return redis.batch(reads).map(answers -> {
      Map<String, Presence.Status> statuses = new LinkedHashMap<>();
      for (int i = 0; i < userIds.size(); i++) {
        statuses.put(userIds.get(i), overall(answers.get(i), now));
      }
      return statuses;
    });
  }

  /** @param hash a user's presence hash, as HGETALL answers it */
  static Presence.Status overall(Response hash, long now) {
    boolean away = false;
    if (hash == null) {
      return Presence.Status.OFFLINE;
    }
    // RESP3 answers HGETALL with a map, RESP2 with field, value, field, value, ...
    List<String> values = new ArrayList<>();
    if (hash.isMap()) {
      hash.getKeys().forEach(field -> values.add(hash.get(field).toString()));
    } else {
      for (int i = 1; i < hash.size(); i += 2) {
        values.add(hash.get(i).toString());
      }
    }
    for (String value : values) {
      int bar = value.indexOf('|');
      if (bar < 0 || Long.parseLong(value.substring(bar + 1)) <= now) {
        continue;
      }
      String status = value.substring(0, bar);
      if (status.equals("online")) {
        return Presence.Status.ONLINE;
      }
      away |= status.equals("away");
    }
    return away ? Presence.Status.AWAY : Presence.Status.OFFLINE;
  }
}
