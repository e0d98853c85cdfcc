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
import java.util.function.BiConsumer;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.store.Ids;

/**
 * Presence across the nodes of a cluster, in Redis. Each user has a hash
 * ({@code presence:<userId>} in the installation's namespace) with one field per node where the
 * user has a connection: that node's status for the user and when the entry expires. A node renews
 * its entries every {@link #HEARTBEAT_MS}, so a node that dies without a word stops counting after
 * {@link #TTL_MS}. A user is online when any live entry says online, away when all say away,
 * offline without one.
 *
 * <p>A node that dies says nothing, so the living ones watch each other: every node stamps its
 * heartbeat in a sorted set ({@code presence:nodes}) and keeps the set of users it has entries for
 * ({@code presence:node:<id>}). A node whose stamp is older than the TTL is claimed by whichever
 * node removes it from the sorted set first (ZREM answers 1 once); that node deletes the dead
 * node's entries and announces offline every user left with none.
 */
final class ClusterPresence {
  static final long TTL_MS = 45_000;
  static final long HEARTBEAT_MS = 15_000;
  /**
   * A node's user set (and the installation's set of node stamps) outlives any plausible outage;
   * a node's set is dropped when the node is reaped.
   */
  private static final long NODE_SET_TTL_MS = 86_400_000;

  private final Redis redis;
  /** Starts every key: {@code ultrachat:<installation>:presence:}. */
  private final String prefix;
  private final String nodesKey;
  private final String node = Ids.newId();
  private final BiConsumer<String, Presence.Status> announce;
  private volatile boolean restatePending;

  /** @param announce publishes a user's new status, for users a dead node left offline */
  ClusterPresence(Redis redis, RedisNamespace namespace, BiConsumer<String, Presence.Status> announce) {
    this.redis = redis;
    this.prefix = namespace.name("presence:");
    this.nodesKey = prefix + "nodes";
    this.announce = announce;
  }

  private String usersOf(String node) {
    return prefix + "node:" + node;
  }

  /**
   * Records this node's status for the user (offline: this node has no connection of theirs).
   *
   * @return the user's status across the cluster afterwards
   */
  Future<Presence.Status> record(String userId, Presence.Status here) {
    String key = prefix + userId;
    long now = System.currentTimeMillis();
    boolean offline = here == Presence.Status.OFFLINE;
    Request write = offline
        ? Request.cmd(Command.HDEL).arg(key).arg(node)
        : Request.cmd(Command.HSET).arg(key).arg(node).arg(here.value() + "|" + (now + TTL_MS));
    Request mine = Request.cmd(offline ? Command.SREM : Command.SADD).arg(usersOf(node)).arg(userId);
    // Stamped here too, not only by the heartbeat: a node killed before its first heartbeat is still found.
    Request alive = Request.cmd(Command.ZADD).arg(nodesKey).arg(now).arg(node);
    return redis.batch(List.of(write, Request.cmd(Command.PEXPIRE).arg(key).arg(TTL_MS),
            Request.cmd(Command.HGETALL).arg(key), mine, alive))
        .map(answers -> overall(answers.get(2), now));
  }

  /**
   * Stamps this node as alive, renews its entries for its connected users (their status here),
   * then reaps nodes whose stamp is older than the TTL.
   */
  Future<Void> heartbeat(Map<String, Presence.Status> here) {
    long now = System.currentTimeMillis();
    Future<?> renewed = restatePending ? restate(here) : redis.batch(renewals(here, List.of(), now));
    return renewed.compose(done -> reap(now));
  }

  /**
   * Sets the record straight after this node's link to Redis was down: its writes and
   * announcements in the meantime may be lost, and other nodes may have taken it for dead and
   * announced its users offline. Writes the entries of the users connected here again, removes
   * those of users who left meanwhile, and announces the status across the cluster of all of them.
   * Until that succeeds (Redis may still be down, or fail the first command after it returns)
   * every heartbeat tries again.
   */
  Future<Void> restate(Map<String, Presence.Status> here) {
    restatePending = true;
    return redis.send(Request.cmd(Command.SMEMBERS).arg(usersOf(node))).compose(members -> {
      List<String> gone = new ArrayList<>();
      members.forEach(m -> {
        if (!here.containsKey(m.toString())) {
          gone.add(m.toString());
        }
      });
      long now = System.currentTimeMillis();
      return redis.batch(renewals(here, gone, now)).map(done -> {
        List<String> users = new ArrayList<>(here.keySet());
        users.addAll(gone);
        return users;
      });
    }).compose(this::statuses).map(statuses -> {
      restatePending = false;
      statuses.forEach(announce);
      return null;
    });
  }

  /** @return the writes that stamp this node, renew the entries here and delete those of users gone */
  private List<Request> renewals(Map<String, Presence.Status> here, List<String> gone, long now) {
    long expires = now + TTL_MS;
    List<Request> writes = new ArrayList<>();
    writes.add(Request.cmd(Command.ZADD).arg(nodesKey).arg(now).arg(node));
    here.forEach((userId, status) -> {
      writes.add(Request.cmd(Command.HSET).arg(prefix + userId).arg(node).arg(status.value() + "|" + expires));
      writes.add(Request.cmd(Command.PEXPIRE).arg(prefix + userId).arg(TTL_MS));
      writes.add(Request.cmd(Command.SADD).arg(usersOf(node)).arg(userId));
    });
    for (String userId : gone) {
      writes.add(Request.cmd(Command.HDEL).arg(prefix + userId).arg(node));
      writes.add(Request.cmd(Command.SREM).arg(usersOf(node)).arg(userId));
    }
    writes.add(Request.cmd(Command.PEXPIRE).arg(usersOf(node)).arg(NODE_SET_TTL_MS));
    // An installation whose nodes are all gone (a test cluster, a retired staging) leaves nothing behind.
    writes.add(Request.cmd(Command.PEXPIRE).arg(nodesKey).arg(NODE_SET_TTL_MS));
    return writes;
  }

  private Future<Void> reap(long now) {
    return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(nodesKey).arg("-inf").arg(now - TTL_MS))
        .compose(dead -> {
          Future<Void> all = Future.succeededFuture();
          for (Response id : dead) {
            String deadNode = id.toString();
            all = all.compose(v -> redis.send(Request.cmd(Command.ZREM).arg(nodesKey).arg(deadNode)))
                .compose(removed -> removed.toInteger() == 1 ? bury(deadNode, now) : Future.succeededFuture());
          }
          return all;
        });
  }

  /** Deletes a dead node's entries and announces offline the users it leaves with none. */
  private Future<Void> bury(String deadNode, long now) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(usersOf(deadNode))).compose(users -> {
      List<String> userIds = new ArrayList<>();
      users.forEach(u -> userIds.add(u.toString()));
      List<Request> requests = new ArrayList<>();
      for (String userId : userIds) {
        requests.add(Request.cmd(Command.HDEL).arg(prefix + userId).arg(deadNode));
        requests.add(Request.cmd(Command.HGETALL).arg(prefix + userId));
      }
      requests.add(Request.cmd(Command.DEL).arg(usersOf(deadNode)));
      return redis.batch(requests).map(answers -> {
        for (int i = 0; i < userIds.size(); i++) {
          if (overall(answers.get(2 * i + 1), now) == Presence.Status.OFFLINE) {
            announce.accept(userIds.get(i), Presence.Status.OFFLINE);
          }
        }
        return null;
      });
    });
  }

  /** @return each user's status across the cluster */
  Future<Map<String, Presence.Status>> statuses(List<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    long now = System.currentTimeMillis();
    List<Request> reads = userIds.stream().map(u -> Request.cmd(Command.HGETALL).arg(prefix + u)).toList();
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
