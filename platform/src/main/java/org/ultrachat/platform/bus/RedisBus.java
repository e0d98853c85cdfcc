package org.ultrachat.platform.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.redis.RedisNamespace;

/**
 * The bus of a cluster: an event reaches this node's subscribers directly and other nodes'
 * through Redis pub/sub. A node subscribes in Redis only to the topics its own subscribers hold,
 * so traffic grows with interest, not with the number of nodes.
 *
 * <p>Redis pub/sub is at most once, as the {@link Bus} contract allows. Its subscriber connection
 * can drop: Redis down, a network cut, or Redis cutting a subscriber that reads too slowly (its
 * {@code client-output-buffer-limit pubsub}). Then the node reconnects with backoff and jitter,
 * subscribes again, and tells its {@link #onReset} listeners when the link dropped and when it is
 * back, so they repair from the store. Meanwhile this node's own subscribers keep getting this
 * node's events: local delivery does not go through Redis.
 */
public final class RedisBus implements Bus {
  private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;
  /** When the publishing node sent an event, added on the wire and removed on arrival. */
  static final String SENT_AT = "_busSentAt";
  /** An event older than this on arrival means the link lags: some invalidations came too late. */
  static final long LAG_RESET_MS = 5_000;
  /** At most one lag reset per this long: a lagging link would otherwise flush caches on every event. */
  private static final long LAG_RESET_EVERY_MS = 30_000;

  private final Vertx vertx;
  /** Starts every channel name: {@code ultrachat:<installation>:bus:}, then the topic. */
  private final String prefix;
  private final LocalBus local;
  private final Redis client;
  // Marks this node's own messages, which come back on its subscription and were delivered here already.
  private final String origin = UUID.randomUUID().toString();
  private final List<Runnable> resetListeners = new CopyOnWriteArrayList<>();
  // Guarded by `this`: topic -> local subscriber count, the live subscriber connection (null while
  // down), and the publishing connection (null until needed or after it failed).
  private final Map<String, Integer> interest = new HashMap<>();
  private RedisConnection subscriber;
  private Future<RedisConnection> publishing;
  private boolean everConnected;
  private boolean closed;
  private long backoffMs = MIN_BACKOFF_MS;
  private long publishFailures;
  private volatile long lastLagMs;
  private long lastLagReset;

  private RedisBus(Vertx vertx, String url, RedisNamespace namespace) {
    this.vertx = vertx;
    this.prefix = namespace.name("bus:");
    this.local = new LocalBus(vertx);
    // Two connections in use: subscribe mode takes one over, the other pipelines every publish in
    // order. The pool has room for replacements while a dropped one is still being let go.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setMaxPoolSize(8).setMaxWaitingHandlers(16_384));
  }

  /**
   * Starts a bus on the Redis at {@code url} ({@code redis://host:port}). It does not wait for
   * Redis: while Redis is unreachable the node serves its own subscribers and keeps reconnecting.
   *
   * @param namespace the installation's names in Redis: only nodes of the same installation hear
   *                  each other
   */
  public static RedisBus start(Vertx vertx, String url, RedisNamespace namespace) {
    RedisBus bus = new RedisBus(vertx, url, namespace);
    bus.connectSubscriber();
    return bus;
  }

  @Override
  public void publish(String topic, JsonObject event) {
    local.publish(topic, event);
    // The send time travels inside the JSON, so nodes of the previous version read the event still.
    String wire = event.copy().put(SENT_AT, System.currentTimeMillis()).encode();
    Request request = Request.cmd(Command.PUBLISH).arg(prefix + topic).arg(origin + wire);
    // One connection and compose in call order keep one node's events in publish order in Redis.
    publishingLink().compose(conn -> conn.send(request)).onFailure(e -> {
      long failures;
      synchronized (this) {
        failures = ++publishFailures;
      }
      // Every node missing it repairs when the channel's next event shows the gap; log the first
      // of a run of failures and then every thousandth, not one line per event during an outage.
      if (failures == 1 || failures % 1000 == 0) {
        log.warn("publishing to Redis failed ({} so far); other nodes repair from the store: {}", failures, e.toString());
      }
    });
  }

  // Never calls the Redis client while holding this object's lock: the client calls back into
  // this object (end and exception handlers) while holding locks of its own.
  private Future<RedisConnection> publishingLink() {
    Promise<RedisConnection> promise = Promise.promise();
    synchronized (this) {
      if (publishing != null) {
        return publishing;
      }
      publishing = promise.future();
    }
    Future<RedisConnection> link = promise.future();
    client.connect().onComplete(ar -> {
      if (ar.failed()) {
        forgetPublishing(link);
      } else {
        ar.result().exceptionHandler(e -> forgetPublishing(link));
        ar.result().endHandler(v -> forgetPublishing(link));
      }
      promise.handle(ar);
    });
    return link;
  }

  private void forgetPublishing(Future<RedisConnection> link) {
    synchronized (this) {
      if (publishing != link) {
        return;
      }
      publishing = null;
    }
    if (link.succeeded()) {
      link.result().close();
    }
  }

  @Override
  public Subscription subscribe(String topic, Handler<JsonObject> handler) {
    Subscription localSubscription = local.subscribe(topic, handler);
    RedisConnection conn;
    boolean first;
    synchronized (this) {
      first = interest.merge(topic, 1, Integer::sum) == 1;
      conn = subscriber;
    }
    if (first && conn != null) {
      send(conn, Request.cmd(Command.SUBSCRIBE).arg(prefix + topic));
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    return () -> {
      if (!cancelled.compareAndSet(false, true)) {
        return;
      }
      localSubscription.cancel();
      RedisConnection now;
      boolean last;
      synchronized (this) {
        last = interest.merge(topic, -1, Integer::sum) <= 0;
        if (last) {
          interest.remove(topic);
        }
        now = subscriber;
      }
      if (last && now != null) {
        send(now, Request.cmd(Command.UNSUBSCRIBE).arg(prefix + topic));
      }
    };
  }

  @Override
  public void onReset(Runnable listener) {
    resetListeners.add(listener);
  }

  /** @return whether the subscription link to Redis is up */
  public synchronized boolean connected() {
    return subscriber != null;
  }

  /** @return the Redis client name of this node's subscriber connection */
  public String subscriberName() {
    return "ultrachat-bus-" + origin;
  }

  /** @return how many topics this node holds a Redis subscription for */
  public synchronized int topics() {
    return interest.size();
  }

  /** Closes the Redis connections; local delivery keeps working. */
  public void close() {
    RedisConnection conn;
    synchronized (this) {
      closed = true;
      conn = subscriber;
      subscriber = null;
    }
    if (conn != null) {
      conn.close();
    }
    client.close();
  }

  private void connectSubscriber() {
    client.connect().onComplete(ar -> {
      if (ar.failed()) {
        boolean firstTry;
        synchronized (this) {
          firstTry = !everConnected && backoffMs == MIN_BACKOFF_MS;
        }
        if (firstTry) {
          log.warn("Redis bus cannot connect ({}); this node serves its own clients and keeps trying", ar.cause().toString());
        }
        retry(ar.cause());
        return;
      }
      RedisConnection conn = ar.result();
      conn.handler(this::received);
      conn.exceptionHandler(e -> lost(conn, e));
      conn.endHandler(v -> lost(conn, null));
      List<String> topics;
      boolean reconnected;
      boolean stale;
      synchronized (this) {
        stale = closed;
        subscriber = stale ? null : conn;
        topics = List.copyOf(interest.keySet());
        reconnected = everConnected;
        everConnected = true;
        backoffMs = MIN_BACKOFF_MS;
      }
      if (stale) {
        conn.close();
        return;
      }
      // Named, so an operator (or a test) can tell the nodes' subscriptions apart in CLIENT LIST.
      send(conn, Request.cmd(Command.CLIENT).arg("SETNAME").arg(subscriberName()));
      if (!topics.isEmpty()) {
        Request subscribe = Request.cmd(Command.SUBSCRIBE);
        topics.forEach(t -> subscribe.arg(prefix + t));
        send(conn, subscribe);
      }
      if (reconnected) {
        log.info("Redis bus link is back ({} topics subscribed again); repairing from the store", topics.size());
        resetListeners.forEach(Runnable::run);
      }
    });
  }

  private void received(Response reply) {
    if ((reply.type() != ResponseType.MULTI && reply.type() != ResponseType.PUSH) || reply.size() != 3
        || !"message".equals(reply.get(0).toString())) {
      return;
    }
    String channel = reply.get(1).toString();
    String payload = reply.get(2).toString();
    if (!channel.startsWith(prefix) || payload.startsWith(origin)) {
      return;
    }
    String topic = channel.substring(prefix.length());
    boolean wanted;
    synchronized (this) {
      wanted = interest.containsKey(topic);
    }
    if (!wanted) {
      // A subscription that raced its cancellation during a reconnect: drop it in Redis too.
      RedisConnection conn = currentSubscriber();
      if (conn != null) {
        send(conn, Request.cmd(Command.UNSUBSCRIBE).arg(channel));
      }
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(payload.substring(origin.length()));
    } catch (DecodeException | StringIndexOutOfBoundsException e) {
      log.warn("dropped an undecodable bus message on {}: {}", channel, e.getMessage());
      return;
    }
    if (event.remove(SENT_AT) instanceof Number sentAt) {
      lagged(System.currentTimeMillis() - sentAt.longValue());
    }
    local.publish(topic, event);
  }

  /**
   * Events that arrive late may have come after what they invalidate was read again: past
   * {@link #LAG_RESET_MS}, the reset listeners run as for a dropped link (caches flushed, feeds
   * caught up from the store), at most once per {@link #LAG_RESET_EVERY_MS}.
   */
  private void lagged(long lagMs) {
    lastLagMs = lagMs;
    if (lagMs <= LAG_RESET_MS) {
      return;
    }
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (now - lastLagReset < LAG_RESET_EVERY_MS) {
        return;
      }
      lastLagReset = now;
    }
    log.warn("Redis bus events arrive {} ms after they were sent; flushing caches and repairing from the store", lagMs);
    resetListeners.forEach(Runnable::run);
  }

  /** @return how long the last event from another node took to arrive, in ms (clocks of both nodes) */
  public long lastLagMs() {
    return lastLagMs;
  }

  private synchronized RedisConnection currentSubscriber() {
    return subscriber;
  }

  private void lost(RedisConnection conn, Throwable cause) {
    synchronized (this) {
      if (subscriber != conn) {
        return;
      }
      subscriber = null;
    }
    conn.close();
    log.warn("Redis bus link dropped ({}); events of other nodes may be lost until it is back",
        cause == null ? "closed" : cause.toString());
    resetListeners.forEach(Runnable::run);
    retry(cause);
  }

  private void retry(Throwable cause) {
    long delay;
    synchronized (this) {
      if (closed) {
        return;
      }
      delay = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
    log.debug("connecting the Redis bus again in {} ms: {}", delay, cause == null ? "" : cause.toString());
    vertx.setTimer(delay, id -> connectSubscriber());
  }

  private void send(RedisConnection conn, Request request) {
    conn.send(request).onFailure(e -> log.warn("Redis bus command failed: {}", e.toString()));
  }
}
