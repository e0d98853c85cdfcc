package org.ultrachat.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.redis.RedisNamespace;
import org.ultrachat.platform.testing.TcpProxy;
import org.ultrachat.platform.testing.TestRedis;

/** The Redis bus on a real Redis, with each "node" a Vert.x instance of its own. */
class RedisBusIT {
  private final List<Vertx> nodes = new ArrayList<>();
  private final List<RedisBus> buses = new ArrayList<>();
  private String url;
  private Redis admin;
  private String topic;
  /** A fresh installation per test, as a fresh database gives each test cluster. */
  private RedisNamespace namespace;

  @BeforeEach
  void setUp() {
    url = TestRedis.url();
    Vertx adminVertx = node();
    admin = Redis.createClient(adminVertx, url);
    topic = "test." + UUID.randomUUID();
    namespace = RedisNamespace.of(UUID.randomUUID().toString());
  }

  @AfterEach
  void tearDown() {
    buses.forEach(RedisBus::close);
    nodes.forEach(v -> v.close().await());
  }

  @Test
  void everyNodeGetsEveryEventOnceInEachPublishersOrder() {
    List<RedisBus> three = List.of(bus(url), bus(url), bus(url));
    List<Queue<JsonObject>> received = new ArrayList<>();
    for (RedisBus bus : three) {
      Queue<JsonObject> q = new ConcurrentLinkedQueue<>();
      bus.subscribe(topic, q::add);
      received.add(q);
    }
    waitFor(() -> redisSubscribers(topic) == 3, "three nodes subscribed in Redis");

    int perPublisher = 500;
    for (int i = 0; i < perPublisher; i++) {
      three.get(0).publish(topic, new JsonObject().put("from", "a").put("n", i));
      three.get(1).publish(topic, new JsonObject().put("from", "b").put("n", i));
    }

    for (Queue<JsonObject> q : received) {
      waitFor(() -> q.size() >= 2 * perPublisher, "every event on every node");
    }
    settle();
    for (Queue<JsonObject> q : received) {
      assertThat(q).hasSize(2 * perPublisher);
      for (String from : List.of("a", "b")) {
        List<Integer> order = q.stream().filter(e -> e.getString("from").equals(from)).map(e -> e.getInteger("n")).toList();
        assertThat(order).as("events of node %s, in order, once each", from)
            .containsExactlyElementsOf(IntStream.range(0, perPublisher).boxed().toList());
      }
    }
  }

  @Test
  void installationsSharingARedisDoNotHearEachOther() {
    RedisBus mine = bus(url);
    RedisNamespace other = RedisNamespace.of(UUID.randomUUID().toString());
    RedisBus theirs = bus(url, other);
    RedisBus publisher = bus(url);
    Queue<JsonObject> mineGot = new ConcurrentLinkedQueue<>();
    Queue<JsonObject> theirsGot = new ConcurrentLinkedQueue<>();
    mine.subscribe(topic, mineGot::add);
    theirs.subscribe(topic, theirsGot::add);
    waitFor(() -> redisSubscribers(topic) == 1 && redisSubscribers(other, topic) == 1, "subscribed in both");

    // The same topic name: another installation's channel 1 is not ours.
    publisher.publish(topic, new JsonObject().put("n", 1));
    waitFor(() -> mineGot.size() == 1, "the event in its own installation");
    settle();
    assertThat(theirsGot).as("the other installation's node").isEmpty();
  }

  @Test
  void aNodeHoldsRedisSubscriptionsOnlyForTopicsItsSubscribersWant() {
    RedisBus a = bus(url);
    RedisBus b = bus(url);
    String other = topic + ".other";
    Queue<JsonObject> first = new ConcurrentLinkedQueue<>();
    Queue<JsonObject> second = new ConcurrentLinkedQueue<>();
    Bus.Subscription s1 = a.subscribe(topic, first::add);
    Bus.Subscription s2 = a.subscribe(topic, second::add);
    waitFor(() -> redisSubscribers(topic) == 1, "one Redis subscription for two local subscribers");
    assertThat(redisSubscribers(other)).isZero();
    assertThat(a.topics()).isEqualTo(1);

    s1.cancel();
    s1.cancel();
    b.publish(topic, new JsonObject().put("n", 1));
    waitFor(() -> second.size() == 1, "the remaining subscriber still gets events");
    assertThat(first).isEmpty();
    assertThat(redisSubscribers(topic)).isEqualTo(1);

    s2.cancel();
    waitFor(() -> redisSubscribers(topic) == 0, "the last cancel unsubscribes in Redis");
    assertThat(a.topics()).isZero();
  }

  @Test
  void aCutLinkIsReportedKeepsLocalDeliveryAndComesBack() {
    URI redis = URI.create(url);
    Vertx proxyVertx = node();
    TcpProxy proxy = new TcpProxy(proxyVertx, redis.getHost(), redis.getPort()).start();
    RedisBus direct = bus(url);
    Listening behindProxy = listening("redis://127.0.0.1:" + proxy.port());
    waitFor(() -> behindProxy.bus().connected(), "connected through the proxy");

    proxy.cut();
    waitFor(() -> behindProxy.resets().get() == 1 && !behindProxy.bus().connected(), "the drop reported");
    behindProxy.bus().publish(topic, new JsonObject().put("n", "local while cut"));
    waitFor(() -> behindProxy.received().size() == 1, "local delivery without Redis");

    proxy.start();
    waitFor(() -> behindProxy.resets().get() == 2 && behindProxy.bus().connected(), "the return reported");
    waitFor(() -> redisSubscribers(topic) == 1, "subscribed again");
    direct.publish(topic, new JsonObject().put("n", "from the other node"));
    waitFor(() -> behindProxy.received().size() == 2, "cross-node delivery again");
    assertThat(behindProxy.received()).extracting(e -> e.getString("n")).containsExactly("local while cut", "from the other node");
    proxy.close();
  }

  @Test
  void aSubscriberRedisCutsOffIsReportedAndSubscribesAgain() throws Exception {
    RedisBus publisher = bus(url);
    Listening subscriber = listening(url);

    // What Redis does to a subscriber over its client-output-buffer-limit: it closes the connection.
    assertThat(TestRedis.killClient(url, subscriber.bus().subscriberName())).as("the subscriber's connection found").isTrue();
    waitFor(() -> subscriber.resets().get() == 2 && subscriber.bus().connected(), "the drop and the return reported");
    waitFor(() -> redisSubscribers(topic) == 1, "subscribed again");
    publisher.publish(topic, new JsonObject().put("n", 1));
    waitFor(() -> subscriber.received().size() == 1, "delivery again");
  }

  @Test
  void aLateEventIsReportedAsAResetAndArrivesWithoutItsSendTime() {
    RedisBus publisher = bus(url);
    Listening subscriber = listening(url);

    publisher.publish(topic, new JsonObject().put("n", 1));
    waitFor(() -> subscriber.received().size() == 1, "a timely event");
    assertThat(subscriber.received().peek().fieldNames()).containsExactly("n");
    assertThat(subscriber.resets().get()).isZero();
    assertThat(subscriber.bus().lastLagMs()).isBetween(0L, RedisBus.LAG_RESET_MS);

    // As a link that lags would deliver it: sent 10 s ago by another node.
    String late = new JsonObject().put("n", 2).put(RedisBus.SENT_AT, System.currentTimeMillis() - 10_000).encode();
    admin.send(Request.cmd(Command.PUBLISH).arg(namespace.name("bus:" + topic)).arg(UUID.randomUUID() + late)).await();
    waitFor(() -> subscriber.received().size() == 2 && subscriber.resets().get() == 1, "the late event and a reset");
    // An event from a node that stamps no send time (the previous version) is delivered as it is.
    admin.send(Request.cmd(Command.PUBLISH).arg(namespace.name("bus:" + topic))
        .arg(UUID.randomUUID() + new JsonObject().put("n", 3).encode())).await();
    waitFor(() -> subscriber.received().size() == 3, "an unstamped event");
    settle();
    assertThat(subscriber.received()).extracting(e -> e.getInteger("n")).containsExactly(1, 2, 3);
    assertThat(subscriber.received()).allSatisfy(e -> assertThat(e.containsKey(RedisBus.SENT_AT)).isFalse());
    assertThat(subscriber.resets().get()).isEqualTo(1);
  }

  /** A node subscribed to the test's topic (and to it alone in Redis), counting its resets and keeping what arrives. */
  private record Listening(RedisBus bus, AtomicInteger resets, Queue<JsonObject> received) {
  }

  private Listening listening(String redisUrl) {
    Listening node = new Listening(bus(redisUrl), new AtomicInteger(), new ConcurrentLinkedQueue<>());
    node.bus().onReset(node.resets()::incrementAndGet);
    node.bus().subscribe(topic, node.received()::add);
    waitFor(() -> redisSubscribers(topic) == 1, "subscribed");
    return node;
  }

  private Vertx node() {
    Vertx v = Vertx.vertx();
    nodes.add(v);
    return v;
  }

  private RedisBus bus(String redisUrl) {
    return bus(redisUrl, namespace);
  }

  private RedisBus bus(String redisUrl, RedisNamespace installation) {
    RedisBus bus = RedisBus.start(node(), redisUrl, installation);
    buses.add(bus);
    return bus;
  }

  private int redisSubscribers(String t) {
    return redisSubscribers(namespace, t);
  }

  private int redisSubscribers(RedisNamespace installation, String t) {
    var reply = admin.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(installation.name("bus:" + t))).await();
    return reply.get(1).toInteger();
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Gives a duplicate, if there were one, time to arrive before the counts are checked. */
  private static void settle() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
