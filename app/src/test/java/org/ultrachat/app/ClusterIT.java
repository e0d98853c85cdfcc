package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ultrachat.app.Http.ok;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.testing.TcpProxy;
import org.ultrachat.platform.testing.TestPostgres;
import org.ultrachat.platform.testing.TestRedis;

/**
 * Three nodes as separate processes on one PostgreSQL database and one Redis, as a cluster runs:
 * users connected to different nodes chat in real time, and every acked message reaches every
 * member exactly once and in order.
 */
class ClusterIT {
  // Kept when a test fails: the nodes' logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  private static TestPostgres pg;
  private static final List<ClusterNode> nodes = new ArrayList<>();
  @RegisterExtension
  static final TestWatcher NODE_PROBLEMS = ClusterNode.reportingProblemsOf(() -> nodes);
  private static Vertx clients;
  private static TcpProxy redisProxy;
  private static TcpProxy pgProxy;
  private static Map<String, String> env;

  @BeforeAll
  static void startCluster() throws Exception {
    pg = TestPostgres.create();
    URI redis = URI.create(TestRedis.url());
    clients = Vertx.vertx();
    // The nodes reach Redis through a proxy the fault tests cut.
    redisProxy = new TcpProxy(clients, redis.getHost(), redis.getPort()).start();
    pgProxy = new TcpProxy(clients, pg.host(), pg.port()).start();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    // Every node shares the store, the bus and the master key; nothing else is configured.
    env = Map.of(
        "ULTRACHAT_DB_URL", pg.url("127.0.0.1", pgProxy.port()),
        "ULTRACHAT_REDIS_URL", "redis://127.0.0.1:" + redisProxy.port(),
        "ULTRACHAT_MASTER_KEY", Base64.getEncoder().encodeToString(key));
    nodes.addAll(ClusterNode.startThree("node", dir, env));
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(ClusterNode::close);
    if (clients != null) {
      clients.close().await();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void usersOnDifferentNodesChatAndEveryAckedMessageReachesEveryMemberOnceInOrder() throws Exception {
    List<String> names = List.of("ana", "ben", "cid");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      // Each registers and logs in on a different node: any node serves the whole API.
      tokens.add(account(new Http(nodes.get(i).port), names.get(i)));
    }
    Http first = new Http(nodes.get(0).port);
    String channel = ok(first.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "cluster"),
        tokens.get(0))).getString("id");
    for (int i = 1; i < names.size(); i++) {
      ok(new Http(nodes.get(i).port).send("POST", "/v1/channels/" + channel + "/join", null, tokens.get(i)));
    }
    List<RealtimeClient> members = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      RealtimeClient c = RealtimeClient.connect(clients, nodes.get(i).port, tokens.get(i));
      c.live();
      members.add(c);
    }

    int perUser = 40;
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    ExecutorService senders = Executors.newFixedThreadPool(names.size());
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      RealtimeClient sender = members.get(i);
      String name = names.get(i);
      done.add(senders.submit(() -> {
        for (int n = 0; n < perUser; n++) {
          JsonObject ack = sender.sendMessage(channel, name + "-" + n, name + " says " + n);
          assertThat(acked.add(ack.getLong("seq"))).as("a fresh seq per acked message").isTrue();
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    senders.shutdown();
    assertThat(acked).hasSize(names.size() * perUser);

    for (RealtimeClient member : members) {
      List<Long> seqs = member.awaitSeqs(channel, acked);
      assertThat(seqs).as("seqs in order, each once").isSorted().doesNotHaveDuplicates();
      List<JsonObject> messages = member.channelEvents(channel).stream()
          .filter(e -> "message.created".equals(e.getString("type"))).toList();
      Set<String> ids = new HashSet<>();
      messages.forEach(e -> assertThat(ids.add(RealtimeClient.messageIdOf(e))).as("each message once").isTrue());
      assertThat(messages).hasSize(names.size() * perUser);
    }
    members.forEach(RealtimeClient::close);
  }

  @Test
  void withRedisDownEachNodeServesItsOwnAndTheOthersCatchUpWhenItReturns() throws Exception {
    Pair pair = pairOnNodesOneAndTwo("dan", "eve", "outage");
    String channel = pair.channel();
    RealtimeClient danOnOne = pair.onOne();
    RealtimeClient eveOnTwo = pair.onTwo();
    Set<Long> before = Set.of(danOnOne.sendMessage(channel, "before", "before the outage").getLong("seq"));
    eveOnTwo.awaitSeqs(channel, before);

    redisProxy.cut();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 0);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 0);
    Set<Long> during = new HashSet<>();
    for (int n = 0; n < 10; n++) {
      // Sends are acked (the store is up) and reach the sender's own node at once.
      during.add(danOnOne.sendMessage(channel, "during-" + n, "during the outage " + n).getLong("seq"));
    }
    danOnOne.awaitSeqs(channel, during);

    redisProxy.start();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 1);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 1);
    // Node two catches up from the store, with no resume from the client and nothing twice.
    List<Long> seqs = eveOnTwo.awaitSeqs(channel, during);
    assertThat(seqs).isSorted().doesNotHaveDuplicates().containsAll(before);
    Set<Long> after = Set.of(eveOnTwo.sendMessage(channel, "after", "after the outage").getLong("seq"));
    danOnOne.awaitSeqs(channel, after);
    assertThat(danOnOne.seqs(channel)).isSorted().doesNotHaveDuplicates();
    danOnOne.close();
    eveOnTwo.close();
  }

  @Test
  void aUserAddedToAChannelWhileRedisIsDownFollowsItOnceRedisReturns() throws Exception {
    Http one = new Http(nodes.get(0).port);
    String ola = account(one, "ola");
    Http.Account pia = new Http(nodes.get(1).port).register("pia");
    RealtimeClient piaOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, pia.token());
    piaOnTwo.live();

    redisProxy.cut();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 0);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 0);
    // Pia's personal member.added is published while node two cannot hear it.
    String channel = ok(one.post("/v1/channels", new JsonObject().put("kind", "private").put("name", "while-down"), ola))
        .getString("id");
    ok(one.post("/v1/channels/" + channel + "/members", new JsonObject().put("userId", pia.id()), ola));
    long during = ok(one.post("/v1/channels/" + channel + "/messages", new JsonObject().put("body", "while down"), ola))
        .getLong("seq");

    redisProxy.start();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 1);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 1);
    // Node two reads Pia's memberships again and her socket follows the channel, with no reconnect.
    JsonObject subscribed = piaOnTwo.await(f -> "subscribed".equals(f.getString("type"))
        && channel.equals(f.getString("channelId")), RealtimeClient.WAIT);
    assertThat(subscribed.getLong("lastSeq")).as("what came before is history").isGreaterThanOrEqualTo(during);
    long after = ok(one.post("/v1/channels/" + channel + "/messages", new JsonObject().put("body", "after"), ola))
        .getLong("seq");
    piaOnTwo.awaitSeq(channel, after);
    piaOnTwo.close();
  }

  @Test
  void presenceChangesMadeWhileRedisIsDownReachTheOtherNodesWhenItReturns() throws Exception {
    Http one = new Http(nodes.get(0).port);
    String tia = account(one, "tia");
    Http.Account bo = one.register("bo");
    Http.Account cy = one.register("cy");
    RealtimeClient tiaOnOne = RealtimeClient.connect(clients, nodes.get(0).port, tia);
    tiaOnOne.live();
    RealtimeClient boOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, bo.token());
    boOnTwo.live();
    String id = RealtimeClient.newId("p");
    tiaOnOne.send(new JsonObject().put("type", "presence.subscribe").put("id", id)
        .put("userIds", new JsonArray().add(bo.id()).add(cy.id())));
    JsonObject statuses = tiaOnOne.answer(id, "presence.subscribed").getJsonObject("statuses");
    assertThat(statuses.getString(bo.id())).isEqualTo("online");
    assertThat(statuses.getString(cy.id())).isEqualTo("offline");

    redisProxy.cut();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 0);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 0);
    // Node two can neither write these changes to Redis nor announce them to node one.
    boOnTwo.close();
    RealtimeClient cyOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, cy.token());
    cyOnTwo.live();

    redisProxy.start();
    awaitMetric(nodes.get(0), "ultrachat_bus_redis_connected", 1);
    awaitMetric(nodes.get(1), "ultrachat_bus_redis_connected", 1);
    // Node two states its users again; Bo's entry would otherwise say online for up to 45 s more,
    // and nobody would announce either change.
    tiaOnOne.await(f -> isPresence(f, bo.id(), "offline"), RealtimeClient.WAIT);
    tiaOnOne.await(f -> isPresence(f, cy.id(), "online"), RealtimeClient.WAIT);
    cyOnTwo.close();
    tiaOnOne.close();
  }

  @Test
  void aKilledNodesClientsResumeOnAnotherWithNoGapNoDuplicateAndRetriedSendsStoredOnce() throws Exception {
    ClusterNode doomed = ClusterNode.start("node-4", dir, env).awaitReady();
    Http one = new Http(nodes.get(0).port);
    String fay = account(one, "fay");
    String gus = account(one, "gus");
    String hal = account(one, "hal");
    String channel = ok(one.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "kill"), fay))
        .getString("id");
    ok(one.send("POST", "/v1/channels/" + channel + "/join", null, gus));
    ok(one.send("POST", "/v1/channels/" + channel + "/join", null, hal));
    RealtimeClient fayOnOne = RealtimeClient.connect(clients, nodes.get(0).port, fay);
    RealtimeClient gusOnDoomed = RealtimeClient.connect(clients, doomed.port, gus);
    RealtimeClient halOnDoomed = RealtimeClient.connect(clients, doomed.port, hal);
    fayOnOne.live();
    gusOnDoomed.live();
    halOnDoomed.live();

    // A writer on a surviving node keeps sending while the node dies.
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> fayDone = writer.submit(() -> {
      for (int n = 0; n < 60; n++) {
        acked.add(fayOnOne.sendMessage(channel, "fay-" + n, "fay " + n).getLong("seq"));
      }
    });
    for (int n = 0; n < 5; n++) {
      acked.add(halOnDoomed.sendMessage(channel, "hal-" + n, "hal " + n).getLong("seq"));
    }
    // The last send is in flight when the node dies: it may or may not have been stored.
    halOnDoomed.send(new JsonObject().put("type", "send").put("id", RealtimeClient.newId("s")).put("channelId", channel)
        .put("clientId", "hal-5").put("body", "hal 5"));
    doomed.kill();

    List<Long> beforeKill = gusOnDoomed.seqs(channel);
    long lastSeen = beforeKill.isEmpty() ? 0 : beforeKill.get(beforeKill.size() - 1);
    RealtimeClient gusOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, gus);
    gusOnTwo.hello();
    gusOnTwo.send(new JsonObject().put("type", "resume").put("id", RealtimeClient.newId("r"))
        .put("channels", new JsonObject().put(channel, lastSeen)));
    RealtimeClient halOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, hal);
    halOnTwo.live();
    // The retry carries the same client id: stored once whether or not the first try was.
    acked.add(halOnTwo.sendMessage(channel, "hal-5", "hal 5").getLong("seq"));
    fayDone.get();
    writer.shutdown();

    List<Long> afterKill = gusOnTwo.awaitSeqs(channel, acked.stream().filter(s -> s > lastSeen).toList());
    List<Long> seen = new ArrayList<>(beforeKill);
    seen.addAll(afterKill);
    assertThat(seen).as("what gus saw on both nodes: in order, each once").isSorted().doesNotHaveDuplicates();
    assertThat(seen).as("every acked message delivered or recovered").containsAll(acked);
    List<String> bodies = ok(one.get("/v1/channels/" + channel + "/messages?limit=100", fay)).getJsonArray("messages")
        .stream().map(m -> ((JsonObject) m).getString("body")).toList();
    assertThat(bodies).as("stored once each").doesNotHaveDuplicates().contains("hal 5").hasSize(66);
    for (RealtimeClient c : List.of(fayOnOne, gusOnDoomed, halOnDoomed, gusOnTwo, halOnTwo)) {
      c.close();
    }
  }

  @Test
  void withPostgresDownSendsFailClearlyAreNeverAckedAndEverythingRecoversByItself() throws Exception {
    Http one = new Http(nodes.get(0).port);
    Pair pair = pairOnNodesOneAndTwo("ivy", "jon", "pgdown");
    String channel = pair.channel();
    String ivy = pair.firstToken();
    RealtimeClient ivyOnOne = pair.onOne();
    RealtimeClient jonOnTwo = pair.onTwo();
    Set<Long> acked = new HashSet<>();
    acked.add(ivyOnOne.sendMessage(channel, "ivy-0", "ivy 0").getLong("seq"));

    pgProxy.cut();
    for (ClusterNode node : nodes) {
      assertThat(new Http(node.port).get("/health/ready").statusCode()).as(node.name + " readiness").isEqualTo(503);
    }
    String id = RealtimeClient.newId("s");
    ivyOnOne.send(new JsonObject().put("type", "send").put("id", id).put("channelId", channel)
        .put("clientId", "ivy-1").put("body", "ivy 1"));
    JsonObject answer = ivyOnOne.await(f -> id.equals(f.getString("id")), RealtimeClient.WAIT);
    assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("error");
    assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(503);
    var rest = one.post("/v1/channels/" + channel + "/messages", new JsonObject().put("body", "by REST"), ivy);
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(503);
    assertThat(rest.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    pgProxy.start();
    for (ClusterNode node : nodes) {
      awaitReady(node);
    }
    // The client retries the failed send with its client id: stored once, acked now.
    acked.add(ivyOnOne.sendMessage(channel, "ivy-1", "ivy 1").getLong("seq"));
    acked.add(ivyOnOne.sendMessage(channel, "ivy-2", "ivy 2").getLong("seq"));
    List<Long> seqs = jonOnTwo.awaitSeqs(channel, acked);
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    List<String> bodies = ok(one.get("/v1/channels/" + channel + "/messages?limit=100", ivy)).getJsonArray("messages")
        .stream().map(m -> ((JsonObject) m).getString("body")).toList();
    assertThat(bodies).containsExactlyInAnyOrder("ivy 0", "ivy 1", "ivy 2");
    ivyOnOne.close();
    jonOnTwo.close();
  }

  @Test
  void aNodeStoppedGracefullyAnswersEverySendItReadAndItsClientsLoseAndDoubleNothing() throws Exception {
    ClusterNode leaving = ClusterNode.start("node-5", dir, env).awaitReady();
    Http one = new Http(nodes.get(0).port);
    String kim = account(one, "kim");
    String channel = ok(one.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "drain"), kim))
        .getString("id");
    RealtimeClient kimOnLeaving = RealtimeClient.connect(clients, leaving.port, kim);
    kimOnLeaving.live();

    // Sends go out every few milliseconds, without waiting for acks, while the node is told to stop.
    int total = 60;
    Map<String, String> frameIdByClientId = new LinkedHashMap<>();
    Thread sender = Thread.ofPlatform().start(() -> {
      for (int n = 0; n < total; n++) {
        String clientId = "kim-" + n;
        String id = RealtimeClient.newId("s");
        synchronized (frameIdByClientId) {
          frameIdByClientId.put(clientId, id);
        }
        try {
          kimOnLeaving.send(new JsonObject().put("type", "send").put("id", id).put("channelId", channel)
              .put("clientId", clientId).put("body", "kim " + n));
        } catch (RuntimeException closed) {
          return;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    Thread.sleep(60);
    leaving.stop();
    sender.join();

    assertThat(kimOnLeaving.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(kimOnLeaving.frames(f -> "goaway".equals(f.getString("type")))).hasSize(1);
    List<String> acked = new ArrayList<>();
    List<String> toRetry = new ArrayList<>();
    synchronized (frameIdByClientId) {
      frameIdByClientId.forEach((clientId, id) -> {
        List<JsonObject> answers = kimOnLeaving.frames(f -> id.equals(f.getString("id")));
        assertThat(answers).as("at most one answer for " + clientId).hasSizeLessThanOrEqualTo(1);
        if (!answers.isEmpty() && "ack".equals(answers.get(0).getString("type"))) {
          acked.add(clientId);
        } else {
          if (!answers.isEmpty()) {
            assertThat(answers.get(0).getInteger("status")).as("a clear error: " + answers.get(0)).isEqualTo(503);
          }
          toRetry.add(clientId);
        }
      });
    }
    assertThat(acked).as("sends read before the stop were acked").isNotEmpty();

    // The client goes to another node and sends again everything not acked, with the same client ids.
    RealtimeClient kimOnOne = RealtimeClient.connect(clients, nodes.get(0).port, kim);
    kimOnOne.live();
    for (String clientId : toRetry) {
      kimOnOne.sendMessage(channel, clientId, "kim " + clientId.substring(4));
    }
    for (int n = frameIdByClientId.size(); n < total; n++) {
      kimOnOne.sendMessage(channel, "kim-" + n, "kim " + n);
    }
    List<String> bodies = ok(one.get("/v1/channels/" + channel + "/messages?limit=100", kim)).getJsonArray("messages")
        .stream().map(m -> ((JsonObject) m).getString("body")).toList();
    assertThat(bodies).as("every send stored exactly once").hasSize(total).doesNotHaveDuplicates();
    kimOnOne.close();
  }

  @Test
  void aLogoutOnOneNodeClosesTheSessionsSocketOnAnother() throws Exception {
    Http one = new Http(nodes.get(0).port);
    String token = account(one, "lia");
    RealtimeClient liaOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, token);
    liaOnTwo.live();
    Http three = new Http(nodes.get(2).port);
    assertThat(three.get("/v1/channels", token).statusCode()).isEqualTo(200);
    // Nodes two and three have now cached the session as valid.

    var out = one.send("POST", "/v1/auth/logout", new JsonObject(), token);
    assertThat(out.statusCode()).as(out.body()).isBetween(200, 204);

    assertThat(liaOnTwo.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
    // Another node refuses the token as soon as the bus brings the change, not when its 30 s cache expires.
    long deadline = System.currentTimeMillis() + 5_000;
    while (three.get("/v1/channels", token).statusCode() != 401) {
      assertThat(System.currentTimeMillis()).as("node three still accepts the ended session").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void presenceIsTheSameOnEveryNodeAndCountsEveryNodesConnections() {
    Http one = new Http(nodes.get(0).port);
    Http.Account miaAccount = one.register("mia");
    String miaId = miaAccount.id();
    String mia = miaAccount.token();
    String ned = account(one, "ned");
    RealtimeClient nedOnTwo = RealtimeClient.connect(clients, nodes.get(1).port, ned);
    nedOnTwo.live();
    assertThat(watch(nedOnTwo, miaId)).isEqualTo("offline");

    RealtimeClient miaOnOne = RealtimeClient.connect(clients, nodes.get(0).port, mia);
    miaOnOne.live();
    nedOnTwo.next(f -> isPresence(f, miaId, "online"));
    miaOnOne.send(new JsonObject().put("type", "presence").put("status", "away"));
    nedOnTwo.next(f -> isPresence(f, miaId, "away"));

    RealtimeClient miaOnThree = RealtimeClient.connect(clients, nodes.get(2).port, mia);
    miaOnThree.live();
    nedOnTwo.next(f -> isPresence(f, miaId, "online"));
    miaOnOne.close();
    // Node one no longer has her, but node three does: she stays online.
    assertThat(watch(nedOnTwo, miaId)).isEqualTo("online");
    miaOnThree.close();
    nedOnTwo.next(f -> isPresence(f, miaId, "offline"));
    assertThat(watch(nedOnTwo, miaId)).isEqualTo("offline");
    nedOnTwo.close();
  }

  @Test
  void theUsersOfAKilledNodeAreAnnouncedOfflineByTheOthers() throws Exception {
    ClusterNode doomed = ClusterNode.start("node-5", dir, env).awaitReady();
    Http one = new Http(nodes.get(0).port);
    Http.Account quin = one.register("quin");
    RealtimeClient rexOnOne = RealtimeClient.connect(clients, nodes.get(0).port, account(one, "rex"));
    rexOnOne.live();
    assertThat(watch(rexOnOne, quin.id())).isEqualTo("offline");
    RealtimeClient quinOnDoomed = RealtimeClient.connect(clients, doomed.port, quin.token());
    quinOnDoomed.live();
    rexOnOne.next(f -> isPresence(f, quin.id(), "online"));

    // No goodbye from a SIGKILL: a living node notices the missing heartbeats (TTL 45 s, checked every 15 s).
    doomed.kill();
    long killedAt = System.currentTimeMillis();
    rexOnOne.await(f -> isPresence(f, quin.id(), "offline"), Duration.ofSeconds(90));
    System.out.printf("offline announced %d ms after the kill%n", System.currentTimeMillis() - killedAt);
    assertThat(watch(rexOnOne, quin.id())).isEqualTo("offline");
    rexOnOne.close();
  }

  @Test
  void aRollingRestartOfEveryNodeLosesNoAckedSendAndStoresEachRetryOnce() throws Exception {
    // Three nodes of their own, restarted one after another while two writers keep sending.
    List<ClusterNode> roll = new CopyOnWriteArrayList<>(ClusterNode.startThree("roll", dir, env));
    Http one = new Http(nodes.get(0).port);
    String uma = account(one, "uma");
    String channel = ok(one.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "rolling"), uma))
        .getString("id");
    List<String> writers = List.of("vic", "wes");
    List<String> tokens = new ArrayList<>();
    for (String w : writers) {
      tokens.add(account(one, w));
      ok(one.send("POST", "/v1/channels/" + channel + "/join", null, tokens.get(tokens.size() - 1)));
    }
    RealtimeClient umaOnOne = RealtimeClient.connect(clients, nodes.get(0).port, uma);
    umaOnOne.live();

    AtomicBoolean rolling = new AtomicBoolean(true);
    AtomicInteger retries = new AtomicInteger();
    AtomicInteger reconnects = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    List<Future<Map<String, Long>>> results = new ArrayList<>();
    for (int k = 0; k < writers.size(); k++) {
      String name = writers.get(k);
      String token = tokens.get(k);
      int first = k;
      results.add(pool.submit(() -> writeThroughTheRoll(roll, first, name, token, channel, rolling, retries, reconnects)));
    }
    for (int i = 0; i < roll.size(); i++) {
      Thread.sleep(2_000);
      roll.get(i).stop();
      roll.set(i, ClusterNode.start("roll-" + (4 + i), dir, env).awaitReady());
    }
    Thread.sleep(2_000);
    rolling.set(false);
    Map<String, Long> acked = new LinkedHashMap<>();
    for (Future<Map<String, Long>> r : results) {
      acked.putAll(r.get());
    }
    pool.shutdown();
    roll.forEach(ClusterNode::close);

    assertThat(new HashSet<>(acked.values())).as("one seq per acked message").hasSize(acked.size());
    List<Long> seen = umaOnOne.awaitSeqs(channel, acked.values());
    assertThat(seen).as("a reader on a node that stayed up gets every acked message once, in order")
        .isSorted().doesNotHaveDuplicates();
    List<String> stored = storedBodies(one, channel, uma);
    assertThat(stored).as("every send stored once, retries included").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(acked.keySet());
    assertThat(reconnects.get()).as("the writers had to move").isGreaterThanOrEqualTo(3);
    System.out.printf("rolling restart: %d messages acked, %d reconnects, %d sends retried%n", acked.size(),
        reconnects.get(), retries.get());
    umaOnOne.close();
  }

  /**
   * Sends numbered messages (body = client id) until the roll is over, as a client following the
   * protocol does: on a goaway, a closed socket or an error, it connects to another node and
   * sends the unacked message again with the same client id. @return client id to acked seq
   */
  private static Map<String, Long> writeThroughTheRoll(List<ClusterNode> roll, int first, String name, String token,
                                                       String channel, AtomicBoolean rolling,
                                                       AtomicInteger retries,
                                                       AtomicInteger reconnects)
      throws InterruptedException {
    Map<String, Long> acked = new LinkedHashMap<>();
    int target = first;
    RealtimeClient c = null;
    for (int n = 0; rolling.get() || n < 10; n++) {
      String clientId = name + "-" + n;
      Long seq = null;
      for (int attempt = 0; seq == null; attempt++) {
        assertThat(attempt).as("attempts for " + clientId).isLessThan(200);
        try {
          if (c == null || c.isClosed()) {
            if (c != null || target != first) {
              reconnects.incrementAndGet();
            }
            c = RealtimeClient.connect(clients, roll.get(target++ % roll.size()).port, token);
            c.live();
          }
          String id = RealtimeClient.newId("s");
          c.send(new JsonObject().put("type", "send").put("id", id).put("channelId", channel)
              .put("clientId", clientId).put("body", clientId));
          JsonObject answer = c.await(f -> id.equals(f.getString("id")), Duration.ofSeconds(15));
          if ("ack".equals(answer.getString("type"))) {
            seq = answer.getLong("seq");
          } else {
            assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(503);
            throw new IllegalStateException("draining");
          }
        } catch (AssertionError | RuntimeException e) {
          if (e instanceof AssertionError && e.getMessage() != null && e.getMessage().startsWith("[attempts")) {
            throw e;
          }
          retries.incrementAndGet();
          if (c != null) {
            c.close();
          }
          c = null;
          Thread.sleep(100);
        }
      }
      acked.put(clientId, seq);
      Thread.sleep(50);
    }
    if (c != null) {
      c.close();
    }
    return acked;
  }

  /** @return the bodies of every message stored in the channel, read in pages over REST */
  private static List<String> storedBodies(Http http, String channel, String token) {
    List<String> bodies = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonArray page = ok(http.get("/v1/channels/" + channel + "/messages?limit=100&after=" + after,
          token)).getJsonArray("messages");
      if (page.isEmpty()) {
        return bodies;
      }
      for (Object m : page) {
        JsonObject message = (JsonObject) m;
        bodies.add(message.getString("body"));
        after = Math.max(after, message.getLong("seq"));
      }
    }
  }

  /** Two users in a new public channel, the first live on node one, the second on node two. */
  private record Pair(String channel, String firstToken, RealtimeClient onOne, RealtimeClient onTwo) {
  }

  private static Pair pairOnNodesOneAndTwo(String first, String second, String channelName) {
    Http one = new Http(nodes.get(0).port);
    Http two = new Http(nodes.get(1).port);
    String firstToken = account(one, first);
    String secondToken = account(two, second);
    String channel = ok(one.post("/v1/channels", new JsonObject().put("kind", "public").put("name", channelName),
        firstToken)).getString("id");
    ok(two.send("POST", "/v1/channels/" + channel + "/join", null, secondToken));
    RealtimeClient onOne = RealtimeClient.connect(clients, nodes.get(0).port, firstToken);
    RealtimeClient onTwo = RealtimeClient.connect(clients, nodes.get(1).port, secondToken);
    onOne.live();
    onTwo.live();
    return new Pair(channel, firstToken, onOne, onTwo);
  }

  private static boolean isPresence(JsonObject frame, String userId, String status) {
    JsonObject e = "event".equals(frame.getString("type")) ? frame.getJsonObject("event") : frame;
    return e != null && "presence".equals(e.getString("type")) && userId.equals(e.getString("userId"))
        && status.equals(e.getString("status"));
  }

  private static String watch(RealtimeClient c, String userId) {
    String id = RealtimeClient.newId("p");
    c.send(new JsonObject().put("type", "presence.subscribe").put("id", id)
        .put("userIds", new JsonArray().add(userId)));
    return c.answer(id, "presence.subscribed").getJsonObject("statuses").getString(userId);
  }

  private static void awaitReady(ClusterNode node) throws InterruptedException {
    Http http = new Http(node.port);
    long deadline = System.currentTimeMillis() + 30_000;
    while (http.get("/health/ready").statusCode() != 200) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(node.name + " did not become ready again:\n" + node.logTail());
      }
      Thread.sleep(100);
    }
  }

  private static void awaitMetric(ClusterNode node, String metric, int value) throws InterruptedException {
    Http http = new Http(node.port);
    String line = metric + " " + value + ".0";
    long deadline = System.currentTimeMillis() + 20_000;
    while (!metricsOf(node, http).lines().anyMatch(line::equals)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(node.name + " never reported " + line + ":\n" + node.logTail());
      }
      Thread.sleep(100);
    }
  }

  private static String metricsOf(ClusterNode node, Http http) {
    try {
      return http.get("/metrics").body();
    } catch (UncheckedIOException e) {
      try {
        Files.writeString(Path.of("target", node.name + "-threads.txt"), node.threadDump());
      } catch (IOException ignored) {
        // the assertion below still says what happened
      }
      throw new AssertionError(node.name + " did not answer /metrics (threads in target/" + node.name
          + "-threads.txt):\n" + node.logTail(), e);
    }
  }

  private static String account(Http http, String name) {
    return http.register(name).token();
  }

}
