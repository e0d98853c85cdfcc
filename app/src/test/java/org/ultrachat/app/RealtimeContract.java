package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;

/**
 * The real-time gateway end to end, against docs/protocol.md: real nodes, real sockets, users
 * from admin provisioning (personal access tokens), a store per test. Every wait is for a
 * delivery and generous; no test sleeps to synchronise.
 */
abstract class RealtimeContract {
  /** Settings (kebab-case {@code key=value}) a test needs on top of the ones every test gets. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface With {
    String[] value();
  }

  /** Every test: connection caps that the tests' own connections never reach, unless a test says otherwise. */
  private static final List<String> BASE = List.of("realtime-connections-per-user=8",
      "realtime-connections-per-address=1000");

  @TempDir
  Path dir;
  Node node;
  Http http;
  int port;
  Vertx clients;
  final List<RealtimeClient> opened = Collections.synchronizedList(new ArrayList<>());
  String admin;
  String ana;
  String ben;
  String cid;
  String dan;
  String eve;
  String guest;
  String anaId;
  String benId;
  String cidId;
  String danId;
  String eveId;
  String guestId;

  abstract Map<Setting, String> storeSettings();

  void storeClosed() {
  }

  @BeforeEach
  void start(TestInfo info) {
    Map<Setting, String> settings = new HashMap<>(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("data").toString()));
    List<String> extra = new ArrayList<>(BASE);
    info.getTestMethod().map(m -> m.getAnnotation(With.class)).ifPresent(w -> extra.addAll(List.of(w.value())));
    for (String kv : extra) {
      int eq = kv.indexOf('=');
      String key = kv.substring(0, eq);
      settings.put(Node.setting(key).orElseThrow(() -> new IllegalStateException("no setting " + key)),
          kv.substring(eq + 1));
    }
    settings.putAll(storeSettings());
    node = Node.start(Config.defaults().with(settings));
    port = node.port();
    http = new Http(port);
    clients = Vertx.vertx();
    Map.Entry<String, Map<String, Http.Account>> provisioned =
        Http.provision(node, http, "ana", "ben", "cid", "dan", "eve", "guest:gia");
    admin = provisioned.getKey();
    Map<String, Http.Account> users = provisioned.getValue();
    ana = users.get("ana").token();
    anaId = users.get("ana").id();
    ben = users.get("ben").token();
    benId = users.get("ben").id();
    cid = users.get("cid").token();
    cidId = users.get("cid").id();
    dan = users.get("dan").token();
    danId = users.get("dan").id();
    eve = users.get("eve").token();
    eveId = users.get("eve").id();
    guest = users.get("gia").token();
    guestId = users.get("gia").id();
  }

  @AfterEach
  void stop() {
    try {
      List<RealtimeClient> all;
      synchronized (opened) {
        all = new ArrayList<>(opened);
      }
      for (RealtimeClient c : all) {
        c.close();
      }
      if (clients != null) {
        clients.close().await();
      }
      if (node != null) {
        try {
          node.realtime().replayGate(null);
        } finally {
          node.stop();
        }
      }
    } finally {
      storeClosed();
    }
  }

  // ---- helpers

  JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return new JsonObject(r.body());
  }

  static void problem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  String channel(String token, String kind, String name) {
    return ok(http.post("/v1/channels", new JsonObject().put("kind", kind).put("name", name), token)).getString("id");
  }

  void join(String channelId, String... tokens) {
    for (String t : tokens) {
      ok(http.send("POST", "/v1/channels/" + channelId + "/join", null, t));
    }
  }

  JsonObject post(String token, String channelId, String body) {
    return ok(http.post("/v1/channels/" + channelId + "/messages", new JsonObject().put("body", body), token));
  }

  List<JsonObject> history(String token, String channelId) {
    return ok(http.get("/v1/channels/" + channelId + "/messages?limit=100", token)).getJsonArray("messages").stream()
        .map(JsonObject.class::cast).toList();
  }

  /** @return the channel's newest seq, as the store has it */
  long lastSeq(String token, String channelId) {
    return ok(http.get("/v1/channels/" + channelId, token)).getLong("lastSeq");
  }

  /** @return the sum of every sample of a metric, whatever its labels (0 when absent) */
  double metricSum(String name) {
    String text = http.get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  RealtimeClient open(String token) {
    return open(new RealtimeClient.Options().token(token));
  }

  RealtimeClient open(RealtimeClient.Options options) {
    RealtimeClient c = RealtimeClient.connect(clients, port, options);
    opened.add(c);
    return c;
  }

  /** Opens a connection, waits for hello and goes live (an empty resume). */
  RealtimeClient live(String token) {
    RealtimeClient c = open(token);
    c.live();
    return c;
  }

  RealtimeClient.Rejected rejected(RealtimeClient.Options options) {
    return RealtimeClient.rejected(clients, port, options);
  }

  static void problem(RealtimeClient.Rejected r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().get("Content-Type")).as("content type of a refused handshake")
        .isEqualTo("application/problem+json");
    assertThat(r.json().getInteger("status")).isEqualTo(status);
  }

  /** Waits for the frame announcing that the connection follows a channel it was added to. */
  static JsonObject awaitSubscribed(RealtimeClient c, String channelId) {
    return c.await(f -> "subscribed".equals(f.getString("type")) && channelId.equals(f.getString("channelId")),
        RealtimeClient.WAIT);
  }

  static JsonObject channelOf(JsonObject hello, String channelId) {
    return hello.getJsonArray("channels").stream().map(JsonObject.class::cast)
        .filter(c -> channelId.equals(c.getString("channelId"))).findFirst().orElse(null);
  }

  static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  static JsonObject frame(String type, String id) {
    JsonObject f = new JsonObject().put("type", type);
    if (id != null) {
      f.put("id", id);
    }
    return f;
  }

  static JsonObject resumeFrame(String id, String channelId, long seq) {
    return frame("resume", id).put("channels", new JsonObject().put(channelId, seq));
  }

  /** @return the stream seqs of the channel that arrived before the frame with this id */
  static List<Long> seqsBefore(RealtimeClient c, String channelId, String frameId) {
    List<JsonObject> frames = c.framesNow();
    List<JsonObject> before = new ArrayList<>();
    for (JsonObject f : frames) {
      if (frameId.equals(f.getString("id"))) {
        break;
      }
      before.add(f);
    }
    return RealtimeClient.channelEvents(before, channelId).stream().map(e -> e.getLong("seq")).toList();
  }

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";

  static String randomText(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder(length);
    b.append('x');
    for (int i = 1; i < length - 1; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    b.append('x');
    return b.toString();
  }

  // ---- the handshake

  @Test
  @With("realtime-connections-per-user=2")
  void theHandshakeAuthenticatesChecksTheOriginAndCapsConnectionsPerUser() {
    String general = channel(ana, "public", "general");
    post(ana, general, "before anyone connects");
    long last = lastSeq(ana, general);

    problem(rejected(new RealtimeClient.Options()), 401);
    problem(rejected(new RealtimeClient.Options().token("not-a-token")), 401);
    problem(rejected(new RealtimeClient.Options().token("not-a-token").bySubprotocol()), 401);
    problem(rejected(new RealtimeClient.Options().token(ana).origin("https://evil.example")), 403);

    RealtimeClient byHeader = open(new RealtimeClient.Options().token(ana).origin("http://127.0.0.1:" + port));
    JsonObject hello = byHeader.hello();
    assertThat(hello.getInteger("v")).isEqualTo(1);
    assertThat(hello.getString("userId")).isEqualTo(anaId);
    assertThat(hello.getString("connectionId")).isNotBlank();
    assertThat(hello.getInteger("maxFrameBytes")).isEqualTo(16384);
    assertThat(hello.getLong("heartbeatMs")).isPositive();
    assertThat(hello.getLong("idleTimeoutMs")).isPositive();
    assertThat(channelOf(hello, general)).as("hello lists ana's channel: %s", hello).isNotNull();
    assertThat(channelOf(hello, general).getLong("lastSeq")).isEqualTo(last);
    assertThat(byHeader.framesNow().get(0).getString("type")).as("hello is the first frame").isEqualTo("hello");
    assertThat(byHeader.subProtocol()).isEqualTo("ultrachat.v1");

    RealtimeClient bySubprotocol = open(new RealtimeClient.Options().token(ana).bySubprotocol());
    JsonObject hello2 = bySubprotocol.hello();
    assertThat(hello2.getString("userId")).isEqualTo(anaId);
    assertThat(hello2.getString("connectionId")).isNotEqualTo(hello.getString("connectionId"));
    assertThat(bySubprotocol.subProtocol()).as("the server selects the version, never the token").isEqualTo("ultrachat.v1");
    bySubprotocol.handshakeHeaders().forEach((name, value) ->
        assertThat(value).as("response header %s", name).doesNotContain(ana));
    assertThat(hello2.encode()).doesNotContain(ana);

    RealtimeClient.Rejected third = rejected(new RealtimeClient.Options().token(ana));
    problem(third, 429);
    assertThat(third.headers().get("Retry-After")).as("Retry-After").isNotBlank();
    // The cap is per user: ben still gets in, and ana's two connections still work.
    assertThat(open(ben).hello().getString("userId")).isEqualTo(benId);
    byHeader.ping();
    bySubprotocol.ping();
  }

  // ---- conversations

  @Test
  void twoUsersChatLiveInAChannelAThreadAndADirectMessage() {
    String general = channel(ana, "public", "general");
    join(general, ben);
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);

    JsonObject ack = a.sendMessage(general, "c-1", "hello ben, ready?");
    assertThat(ack.getString("channelId")).isEqualTo(general);
    assertThat(ack.getLong("seq")).isPositive();
    assertThat(ack.getString("messageId")).isNotBlank();
    assertThat(ack.getBoolean("duplicate")).isFalse();
    JsonObject seen = b.awaitMessage(general, "hello ben, ready?");
    assertThat(seen.getLong("seq")).isEqualTo(ack.getLong("seq"));
    assertThat(RealtimeClient.messageIdOf(seen)).isEqualTo(ack.getString("messageId"));
    assertThat(seen.getString("actorId")).isEqualTo(anaId);
    assertThat(seen.getJsonObject("message").getString("senderId")).isEqualTo(anaId);
    assertThat(history(ben, general)).extracting(m -> m.getString("id")).containsExactly(ack.getString("messageId"));

    String reply = RealtimeClient.newId("t");
    b.send(frame("send", reply).put("channelId", general).put("clientId", "c-2").put("body", "yes, all set")
        .put("threadRootId", ack.getString("messageId")));
    JsonObject replyAck = b.answer(reply, "ack");
    assertThat(replyAck.getLong("seq")).isGreaterThan(ack.getLong("seq"));
    JsonObject inThread = a.awaitMessage(general, "yes, all set");
    assertThat(inThread.getLong("seq")).isEqualTo(replyAck.getLong("seq"));
    assertThat(inThread.getJsonObject("message").getString("threadRootId")).isEqualTo(ack.getString("messageId"));
    assertThat(inThread.getJsonObject("message").getString("senderId")).isEqualTo(benId);

    // A direct channel opened while both are connected: each connection subscribes at once.
    String dm = ok(http.post("/v1/channels/direct", new JsonObject().put("userId", benId), ana)).getString("id");
    // Posted at once, racing the sockets' subscription to the new channel: the gateway follows a
    // channel from the seq of the membership change, so it must still arrive.
    JsonObject psst = a.sendMessage(dm, "c-3", "psst");
    b.awaitEvent(dm, e -> "member.added".equals(e.getString("type")));
    a.awaitEvent(dm, e -> "member.added".equals(e.getString("type")));
    assertThat(awaitSubscribed(b, dm).getLong("lastSeq")).isLessThan(psst.getLong("seq"));
    awaitSubscribed(a, dm);
    assertThat(b.awaitMessage(dm, "psst").getLong("seq")).isEqualTo(psst.getLong("seq"));
    assertThat(b.seqs(dm)).as("the DM's events reach ben once each, in order").doesNotHaveDuplicates().isSorted();
    JsonObject back = b.sendMessage(dm, "c-4", "what?");
    assertThat(RealtimeClient.messageIdOf(a.awaitMessage(dm, "what?"))).isEqualTo(back.getString("messageId"));
    // docs/protocol.md: an event that changes a message names it with a top-level messageId.
    assertThat(seen.getString("messageId")).as("messageId of the message.created event %s", seen)
        .isEqualTo(ack.getString("messageId"));
  }

  @Test
  void aMentionReachesTheMentionedMemberBesideTheMessageItself() {
    String general = channel(ana, "public", "mentions");
    join(general, ben);
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);
    for (int n = 0; n < 5; n++) {
      JsonObject ack = a.sendMessage(general, "m-" + n, "look here @ben, " + n);
      JsonObject mention = b.await(f -> "event".equals(f.getString("type"))
          && "mention".equals(f.getJsonObject("event").getString("type"))
          && ack.getString("messageId").equals(f.getJsonObject("event").getString("messageId")), RealtimeClient.WAIT);
      assertThat(mention.getJsonObject("event").getLong("seq")).isEqualTo(ack.getLong("seq"));
      // The mention points at the message's seq; the message's own event is not displaced by it.
      assertThat(b.awaitMessage(general, "look here @ben, " + n).getLong("seq")).isEqualTo(ack.getLong("seq"));
    }
    assertThat(b.seqs(general)).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aRetriedSendWithTheSameClientIdIsStoredAndDeliveredOnce() {
    String ch = channel(ana, "public", "retries");
    join(ch, ben);
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);

    JsonObject first = a.sendMessage(ch, "dup-1", "exactly once");
    JsonObject again = a.sendMessage(ch, "dup-1", "exactly once");
    assertThat(first.getBoolean("duplicate")).isFalse();
    assertThat(again.getBoolean("duplicate")).isTrue();
    assertThat(again.getLong("seq")).isEqualTo(first.getLong("seq"));
    assertThat(again.getString("messageId")).isEqualTo(first.getString("messageId"));

    JsonObject marker = a.sendMessage(ch, "dup-2", "marker");
    b.awaitMessage(ch, "marker");
    assertThat(b.channelEvents(ch)).filteredOn(e -> "message.created".equals(e.getString("type")))
        .extracting(RealtimeClient::messageIdOf).containsExactly(first.getString("messageId"), marker.getString("messageId"));
    assertThat(history(ana, ch)).extracting(m -> m.getString("body")).containsExactly("exactly once", "marker");
    assertThat(lastSeq(ana, ch)).isEqualTo(marker.getLong("seq"));
  }

  // ---- access

  @Test
  void aNonMemberGetsNothingFromAPrivateChannelAndCannotReachIt() {
    String secret = channel(ana, "private", "secret");
    ok(http.post("/v1/channels/" + secret + "/members", new JsonObject().put("userId", benId), ana));
    String town = channel(ana, "public", "town");
    join(town, cid);
    RealtimeClient c = open(cid);
    JsonObject hello = c.live();
    assertThat(channelOf(hello, secret)).isNull();
    assertThat(channelOf(hello, town)).isNotNull();
    post(ana, secret, "the launch code is swordfish");
    long before = lastSeq(ana, secret);

    String sub = RealtimeClient.newId("b");
    c.send(frame("subscribe", sub).put("channelId", secret));
    JsonObject subscribeError = c.answer(sub, "error");
    assertThat(subscribeError.getString("code")).isEqualTo("not_found");
    assertThat(subscribeError.getInteger("status")).isEqualTo(404);

    String send = RealtimeClient.newId("s");
    c.send(frame("send", send).put("channelId", secret).put("clientId", "let-me-in").put("body", "let me in"));
    assertThat(c.answer(send, "error").getString("code")).isEqualTo("not_found");

    String resume = RealtimeClient.newId("r");
    c.send(resumeFrame(resume, secret, 0));
    JsonObject resumeError = c.await(f -> resume.equals(f.getString("id")), RealtimeClient.WAIT);
    assertThat(resumeError.getString("type")).as("resume of a channel cid cannot read: %s", resumeError).isEqualTo("error");
    c.ping();

    post(ana, secret, "still secret");
    post(ana, town, "marker");
    c.awaitMessage(town, "marker");
    assertThat(c.events(secret)).as("cid received from the private channel").isEmpty();
    assertThat(c.frames(f -> f.encode().contains("swordfish") || f.encode().contains("still secret"))).isEmpty();
    problem(http.get("/v1/channels/" + secret + "/messages", cid), 404);
    assertThat(lastSeq(ana, secret)).as("cid's send stored nothing").isEqualTo(before + 1);
  }

  @Test
  void aRemovedMemberGetsNothingMoreFromTheChannel() {
    String team = channel(ana, "private", "team");
    String town = channel(ana, "public", "town");
    join(town, ben);
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);

    ok(http.post("/v1/channels/" + team + "/members", new JsonObject().put("userId", benId), ana));
    b.awaitEvent(team, e -> "member.added".equals(e.getString("type")));
    awaitSubscribed(b, team);
    post(ana, team, "welcome to the team");
    b.awaitMessage(team, "welcome to the team");

    assertThat(http.send("DELETE", "/v1/channels/" + team + "/members/" + benId, null, ana).statusCode()).isEqualTo(204);
    b.awaitEvent(team, e -> "member.removed".equals(e.getString("type")));
    post(ana, team, "after the removal");
    a.awaitMessage(team, "after the removal");
    post(ana, town, "marker");
    b.awaitMessage(town, "marker");
    b.ping();
    assertThat(b.frames(f -> f.encode().contains("after the removal"))).as("ben got a message after his removal")
        .isEmpty();
    assertThat(b.events(team)).filteredOn(e -> "message.created".equals(e.getString("type")))
        .extracting(e -> e.getJsonObject("message").getString("body")).containsExactly("welcome to the team");
  }

  @Test
  void aRevokedSessionOrADisabledUserLosesTheOpenSocketWith4001() {
    node.auth().createUser("eli", "Eli", "eli password long", false).await();
    JsonObject one = ok(http.post("/v1/auth/login", new JsonObject().put("username", "eli")
        .put("password", "eli password long"), null));
    JsonObject two = ok(http.post("/v1/auth/login", new JsonObject().put("username", "eli")
        .put("password", "eli password long"), null));
    RealtimeClient first = live(one.getString("accessToken"));
    RealtimeClient second = live(two.getString("accessToken"));

    assertThat(http.send("DELETE", "/v1/me/sessions/" + one.getString("sessionId"), null, two.getString("accessToken"))
        .statusCode()).isEqualTo(204);
    assertThat(first.awaitClose()).isEqualTo(4001);
    second.ping();

    assertThat(http.send("POST", "/v1/auth/logout", null, two.getString("accessToken")).statusCode()).isEqualTo(204);
    assertThat(second.awaitClose()).isEqualTo(4001);
    problem(rejected(new RealtimeClient.Options().token(two.getString("accessToken"))), 401);

    RealtimeClient d = live(dan);
    RealtimeClient e = live(eve);
    HttpResponse<String> disable = http.send("PATCH", "/v1/admin/users/" + danId, new JsonObject().put("disabled", true),
        admin);
    assertThat(disable.statusCode()).as(disable.body()).isEqualTo(200);
    assertThat(d.awaitClose()).isEqualTo(4001);
    problem(rejected(new RealtimeClient.Options().token(dan)), 401);
    e.ping();
  }

  // ---- ordering and exactly-once delivery

  @Test
  void concurrentSendersOverWebSocketAndRestReachEveryLiveSubscriberOnceInSeqOrder() {
    String busy = channel(ana, "public", "busy");
    join(busy, ben, cid, dan, eve);
    List<RealtimeClient> subscribers = List.of(live(ben), live(cid), live(eve));
    RealtimeClient anaWs = live(ana);
    RealtimeClient danWs = live(dan);
    int perSender = 50;

    List<List<Long>> bySender = Race.all(4, s -> {
      List<Long> seqs = new ArrayList<>();
      if (s < 2) {
        RealtimeClient ws = s == 0 ? anaWs : danWs;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perSender; i++) {
          String id = "w" + s + "-" + i;
          ids.add(id);
          ws.send(frame("send", id).put("channelId", busy).put("clientId", id).put("body", "ws " + s + " #" + i));
        }
        for (String id : ids) {
          seqs.add(ws.answer(id, "ack").getLong("seq"));
        }
      } else {
        String token = s == 2 ? ben : cid;
        for (int i = 0; i < perSender; i++) {
          seqs.add(ok(http.post("/v1/channels/" + busy + "/messages", new JsonObject().put("body", "rest " + s + " #" + i)
              .put("clientId", "r" + s + "-" + i), token)).getLong("seq"));
        }
      }
      return seqs;
    });
    List<Long> acked = bySender.stream().flatMap(List::stream).sorted().toList();
    assertThat(acked).hasSize(4 * perSender).doesNotHaveDuplicates();
    for (List<Long> one : bySender) {
      assertThat(one).as("one sender's acks follow its own order").isSorted();
    }

    for (RealtimeClient sub : subscribers) {
      List<Long> all = sub.awaitSeqs(busy, acked);
      assertThat(all).as("every stream event once, in seq order").doesNotHaveDuplicates().isSorted();
      List<Long> created = sub.channelEvents(busy).stream().filter(e -> "message.created".equals(e.getString("type")))
          .map(e -> e.getLong("seq")).toList();
      assertThat(created).as("the messages a subscriber saw are exactly the acked ones")
          .containsExactlyElementsOf(acked);
    }
    assertThat(lastSeq(ana, busy)).isEqualTo(acked.get(acked.size() - 1));
  }

  // ---- resume

  @Test
  void resumeReplaysExactlyTheMissedEventsThenGoesLive() {
    String log = channel(ana, "public", "log");
    join(log, ben);
    RealtimeClient b = live(ben);
    JsonObject one = post(ana, log, "one");
    b.awaitMessage(log, "one");
    long last = b.seqs(log).get(b.seqs(log).size() - 1);
    assertThat(last).isEqualTo(one.getLong("seq"));
    b.close();

    JsonObject two = post(ana, log, "two");
    String m1 = "/v1/channels/" + log + "/messages/" + one.getString("id");
    ok(http.send("PATCH", m1, new JsonObject().put("body", "one, edited"), ana));
    ok(http.send("PUT", m1 + "/reactions/eyes", null, ana));
    ok(http.send("DELETE", "/v1/channels/" + log + "/messages/" + two.getString("id"), null, ana));
    long now = lastSeq(ana, log);
    assertThat(now).isEqualTo(last + 4);

    RealtimeClient again = open(ben);
    JsonObject hello = again.hello();
    assertThat(channelOf(hello, log).getLong("lastSeq")).isEqualTo(now);
    String r = RealtimeClient.newId("r");
    again.send(resumeFrame(r, log, last));
    JsonObject resumed = again.answer(r, "resumed");
    assertThat(resumed.getString("channelId")).isEqualTo(log);
    assertThat(resumed.getLong("replayed")).isEqualTo(4);
    assertThat(resumed.getLong("lastSeq")).isEqualTo(now);
    assertThat(seqsBefore(again, log, r)).as("replayed before resumed").containsExactlyElementsOf(range(last + 1, now));
    assertThat(again.channelEvents(log)).extracting(e -> e.getString("type"))
        .containsExactly("message.created", "message.updated", "reaction.added", "message.deleted");

    JsonObject three = post(ana, log, "three");
    again.awaitSeq(log, three.getLong("seq"));
    again.ping();
    assertThat(again.seqs(log)).as("replay, then live, nothing doubled")
        .containsExactlyElementsOf(range(last + 1, three.getLong("seq")));
  }

  @Test
  void resumeRacingNewPostsMissesNothingAndDoublesNothing() {
    String ch = channel(ana, "public", "racing");
    join(ch, ben);
    RealtimeClient b = live(ben);
    JsonObject seen = post(ana, ch, "seen");
    b.awaitMessage(ch, "seen");
    long last = seen.getLong("seq");
    b.close();
    int missed = 30;
    int raced = 10;
    for (int i = 0; i < missed; i++) {
      post(ana, ch, "missed " + i);
    }

    AtomicInteger pages = new AtomicInteger();
    AtomicBoolean fired = new AtomicBoolean();
    List<Long> racedSeqs = Collections.synchronizedList(new ArrayList<>());
    node.realtime().replayGate((channelId, lastSeqRead) -> {
      pages.incrementAndGet();
      if (!ch.equals(channelId) || !fired.compareAndSet(false, true)) {
        return Future.succeededFuture();
      }
      // Off the event loop: these posts go through the same node, acked, while the replay waits.
      CompletableFuture<Void> posting = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < raced; i++) {
          racedSeqs.add(post(ana, ch, "raced " + i).getLong("seq"));
        }
      });
      Context context = Vertx.currentContext();
      return context == null ? Future.fromCompletionStage(posting) : Future.fromCompletionStage(posting, context);
    });

    RealtimeClient again = open(ben);
    again.hello();
    String r = RealtimeClient.newId("r");
    again.send(resumeFrame(r, ch, last));
    JsonObject resumed = again.answer(r, "resumed");
    assertThat(fired).as("the replay gate ran").isTrue();
    assertThat(racedSeqs).hasSize(raced);
    long end = last + missed + raced;
    assertThat(lastSeq(ana, ch)).isEqualTo(end);
    assertThat(resumed.getLong("lastSeq")).isBetween(last + missed, end);
    again.awaitSeqs(ch, range(last + 1, end));
    JsonObject marker = post(ana, ch, "marker");
    again.awaitSeq(ch, marker.getLong("seq"));
    assertThat(again.seqs(ch)).as("contiguous and duplicate-free across the seam")
        .containsExactlyElementsOf(range(last + 1, marker.getLong("seq")));
    assertThat(pages.get()).isPositive();
  }

  @Test
  @With("realtime-resume-max-events=5")
  void resumeBeyondTheCapAnswersResync() {
    String ch = channel(ana, "public", "far-behind");
    join(ch, ben);
    RealtimeClient b = live(ben);
    JsonObject seen = post(ana, ch, "seen");
    b.awaitMessage(ch, "seen");
    long last = seen.getLong("seq");
    b.close();
    for (int i = 0; i < 8; i++) {
      post(ana, ch, "missed " + i);
    }
    long now = lastSeq(ana, ch);

    RealtimeClient again = open(ben);
    again.hello();
    String r = RealtimeClient.newId("r");
    again.send(resumeFrame(r, ch, last));
    JsonObject resync = again.answer(r, "resync");
    assertThat(resync.getString("channelId")).isEqualTo(ch);
    assertThat(resync.getLong("lastSeq")).isEqualTo(now);
    assertThat(resync.getString("reason")).isNotBlank();
    assertThat(again.seqs(ch)).as("a resync replays nothing").isEmpty();

    // The client loads history over REST, then resumes from the newest seq it holds.
    assertThat(history(ben, ch)).hasSize(9);
    String r2 = RealtimeClient.newId("r");
    again.send(resumeFrame(r2, ch, now));
    JsonObject resumed = again.answer(r2, "resumed");
    assertThat(resumed.getLong("replayed")).isZero();
    JsonObject live = post(ana, ch, "live again");
    assertThat(again.awaitMessage(ch, "live again").getLong("seq")).isEqualTo(live.getLong("seq"));
    // A gap within the cap is replayed again on request, even though those events were delivered.
    String r3 = RealtimeClient.newId("r");
    again.send(resumeFrame(r3, ch, live.getLong("seq") - 4));
    assertThat(again.answer(r3, "resumed").getLong("replayed")).isEqualTo(4);
  }

  // ---- a slow reader

  @Test
  @With({"realtime-outbound-buffer-bytes=65536", "rate-limit-api-user=100000/1m", "rate-limit-api-ip=100000/1m"})
  void aSlowConsumerIsClosedWith4008WhileOthersGetEverythingAndItResumesLater() {
    String ch = channel(ana, "public", "firehose");
    join(ch, ben, cid, eve);
    RealtimeClient slow = open(new RealtimeClient.Options().token(cid).smallReceiveBuffer());
    long slowFrom = channelOf(slow.live(), ch).getLong("lastSeq");
    RealtimeClient fast1 = live(ben);
    RealtimeClient fast2 = live(eve);
    String disconnects = "ultrachat_realtime_slow_consumer_disconnects_total";
    double before = metricSum(disconnects);
    slow.pause();

    String body = randomText(3900);
    List<Long> posted = new ArrayList<>();
    boolean disconnected = false;
    // Ten posts at a time (they commit together): the socket buffers between the server and the
    // paused client hold megabytes before the server's own outbound buffer starts to fill.
    for (int round = 0; round < 500 && !disconnected; round++) {
      int first = round * 10;
      Race.all(10, k -> post(ana, ch, (first + k) + " " + body).getLong("seq")).forEach(posted::add);
      disconnected = metricSum(disconnects) > before;
      if (round % 20 == 19) {
        // The readers say something now and then, so that a long run never meets the idle timeout.
        fast1.ping();
        fast2.ping();
      }
    }
    posted.sort(null);
    assertThat(disconnected).as("the slow consumer was disconnected after %d messages of 4 KB", posted.size()).isTrue();
    slow.resumeReading();
    assertThat(slow.awaitClose()).as("close code of the slow consumer, after %d messages", posted.size()).isEqualTo(4008);

    for (RealtimeClient fast : List.of(fast1, fast2)) {
      fast.awaitSeqs(ch, posted);
      assertThat(fast.channelEvents(ch)).filteredOn(e -> "message.created".equals(e.getString("type")))
          .extracting(e -> e.getLong("seq")).containsExactlyElementsOf(posted);
    }

    List<Long> got = slow.seqs(ch);
    long held = got.isEmpty() ? slowFrom : got.get(got.size() - 1);
    assertThat(got).as("what the slow one got before the close has no gap").containsExactlyElementsOf(range(slowFrom + 1, held));
    long end = posted.get(posted.size() - 1);
    RealtimeClient back = open(cid);
    back.hello();
    String r = RealtimeClient.newId("r");
    back.send(resumeFrame(r, ch, held));
    JsonObject resumed = back.answer(r, "resumed");
    assertThat(resumed.getLong("replayed")).isEqualTo(end - held);
    back.awaitSeqs(ch, range(held + 1, end));
    assertThat(back.seqs(ch)).containsExactlyElementsOf(range(held + 1, end));
  }

  // ---- bad frames

  @Test
  @With("realtime-max-frame-bytes=1024")
  void badFramesGetErrorFramesKeepTheConnectionAndStoreNothing() {
    String ch = channel(ana, "public", "strict");
    RealtimeClient c = open(ana);
    assertThat(c.live().getInteger("maxFrameBytes")).isEqualTo(1024);
    long before = lastSeq(ana, ch);

    c.sendText("{\"type\": \"send\", \"body\": ");
    JsonObject malformed = c.next(f -> "error".equals(f.getString("type")));
    assertThat(malformed.getString("code")).as("%s", malformed).isEqualTo("bad_frame");
    assertThat(malformed.getInteger("status")).isEqualTo(400);

    c.send(frame("send", "big").put("channelId", ch).put("clientId", "big-1").put("body", "x".repeat(2000)));
    JsonObject tooLarge = c.next(f -> "error".equals(f.getString("type")));
    assertThat(tooLarge.getString("code")).as("%s", tooLarge).isEqualTo("too_large");

    c.send(frame("dance", "u1"));
    JsonObject unknown = c.next(f -> "error".equals(f.getString("type")));
    assertThat(unknown.getString("code")).as("%s", unknown).isEqualTo("unknown_type");

    c.send(frame("send", "nobody").put("channelId", ch).put("clientId", "nobody-1"));
    JsonObject noBody = c.answer("nobody", "error");
    assertThat(noBody.getString("code")).isEqualTo("bad_input");
    assertThat(noBody.getInteger("status")).isEqualTo(400);

    c.send(frame("send", "blank").put("channelId", ch).put("body", "   "));
    assertThat(c.answer("blank", "error").getString("code")).isEqualTo("bad_input");

    c.sendText("[1, 2, 3]");
    assertThat(c.next(f -> "error".equals(f.getString("type"))).getString("code")).as("a JSON array is no frame")
        .isIn("bad_frame", "bad_input");

    c.ping();
    assertThat(c.isClosed()).isFalse();
    assertThat(lastSeq(ana, ch)).as("nothing was stored").isEqualTo(before);
    assertThat(history(ana, ch)).isEmpty();
    // docs/protocol.md: the error to a frame carries that frame's id.
    assertThat(unknown.getString("id")).as("id of the unknown_type error %s", unknown).isEqualTo("u1");
  }

  @Test
  @With("realtime-max-frame-bytes=1024")
  void aFrameOverFourTimesTheCapClosesTheConnectionWith1009() {
    String ch = channel(ana, "public", "hard-cap");
    RealtimeClient c = live(ana);
    long before = lastSeq(ana, ch);
    c.send(frame("send", "huge").put("channelId", ch).put("clientId", "huge-1").put("body", "y".repeat(5000)));
    assertThat(c.awaitClose()).isEqualTo(1009);
    assertThat(lastSeq(ana, ch)).isEqualTo(before);
  }

  @Test
  @With("realtime-rate-limit=6/1m")
  void framesOverTheRateLimitGetRateLimitedErrorsAndAreDropped() {
    String ch = channel(ana, "public", "limited");
    RealtimeClient c = live(ana); // resume and ping: two frames of six
    long before = lastSeq(ana, ch);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String id = "rl" + i;
      ids.add(id);
      c.send(frame("send", id).put("channelId", ch).put("clientId", id).put("body", "message " + i));
    }
    // Every send is answered: an ack, or a rate_limited error (which may come without the id:
    // the server refuses such frames before reading them).
    List<JsonObject> answers = c.awaitUntil(frames -> frames.stream().filter(f -> "ack".equals(f.getString("type"))
        || "error".equals(f.getString("type"))).count() >= ids.size(), "an answer to each of 10 sends").stream()
        .filter(f -> "ack".equals(f.getString("type")) || "error".equals(f.getString("type"))).toList();
    int acked = 0;
    int limited = 0;
    for (JsonObject answer : answers) {
      if ("ack".equals(answer.getString("type"))) {
        assertThat(ids).contains(answer.getString("id"));
        acked++;
      } else {
        assertThat(answer.getString("code")).as("%s", answer).isEqualTo("rate_limited");
        assertThat(answer.getInteger("status")).isEqualTo(429);
        assertThat(answer.getLong("retryAfterMs")).isPositive();
        limited++;
      }
    }
    assertThat(acked + limited).isEqualTo(ids.size());
    assertThat(limited).as("sends over 6 frames a minute").isPositive();
    assertThat(acked).as("sends within the budget").isPositive();
    assertThat(lastSeq(ana, ch) - before).as("only the acked sends were stored").isEqualTo(acked);
    assertThat(history(ana, ch)).hasSize(acked);
    // Still connected: events keep coming.
    post(ana, ch, "marker");
    c.awaitMessage(ch, "marker");
    assertThat(c.isClosed()).isFalse();
  }

  // ---- typing and presence

  @Test
  void typingReachesTheOtherMemberAndIsThrottled() {
    String ch = channel(ana, "public", "typing");
    join(ch, ben);
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);
    for (int i = 0; i < 3; i++) {
      a.send(new JsonObject().put("type", "typing").put("channelId", ch).putNull("threadRootId"));
    }
    JsonObject typing = b.await(f -> "typing".equals(f.getString("type")) && anaId.equals(f.getString("userId")),
        RealtimeClient.WAIT);
    assertThat(typing.getString("channelId")).isEqualTo(ch);
    a.sendMessage(ch, "after-typing", "done typing");
    b.awaitMessage(ch, "done typing");
    b.ping();
    assertThat(b.frames(f -> "typing".equals(f.getString("type")) && anaId.equals(f.getString("userId"))))
        .as("three typings within 3 s pass as one").hasSize(1);
  }

  @Test
  void presenceFollowsConnectionsAndStatus() {
    RealtimeClient a = live(ana);
    String p1 = RealtimeClient.newId("p");
    a.send(frame("presence.subscribe", p1).put("userIds", new JsonArray().add(benId).add(cidId)));
    JsonObject statuses = a.answer(p1, "presence.subscribed").getJsonObject("statuses");
    assertThat(statuses.getString(benId)).isEqualTo("offline");
    assertThat(statuses.getString(cidId)).isEqualTo("offline");

    RealtimeClient b1 = live(ben);
    a.next(f -> isPresence(f, benId, "online"));
    String p2 = RealtimeClient.newId("p");
    a.send(frame("presence.subscribe", p2).put("userIds", new JsonArray().add(benId)));
    assertThat(a.answer(p2, "presence.subscribed").getJsonObject("statuses").getString(benId)).isEqualTo("online");

    b1.send(new JsonObject().put("type", "presence").put("status", "away"));
    a.next(f -> isPresence(f, benId, "away"));
    RealtimeClient b2 = live(ben);
    a.next(f -> isPresence(f, benId, "online"));
    b2.close();
    a.next(f -> isPresence(f, benId, "away"));
    b1.close();
    a.next(f -> isPresence(f, benId, "offline"));
    assertThat(a.frames(f -> "presence".equals(f.getString("type")) && cidId.equals(f.getString("userId")))).isEmpty();
  }

  private static boolean isPresence(JsonObject f, String userId, String status) {
    return "presence".equals(f.getString("type")) && userId.equals(f.getString("userId"))
        && status.equals(f.getString("status"));
  }

  // ---- metrics

  @Test
  void connectionAndEventMetricsMove() {
    String ch = channel(ana, "public", "metered");
    join(ch, ben);
    double connections = metricSum("ultrachat_realtime_connections");
    RealtimeClient a = live(ana);
    RealtimeClient b = live(ben);
    assertThat(metricSum("ultrachat_realtime_connections")).isEqualTo(connections + 2);
    double out = metricSum("ultrachat_realtime_events_out_total");
    post(ana, ch, "count me");
    b.awaitMessage(ch, "count me");
    a.awaitMessage(ch, "count me");
    assertThat(metricSum("ultrachat_realtime_events_out_total")).isGreaterThanOrEqualTo(out + 2);
  }
}
