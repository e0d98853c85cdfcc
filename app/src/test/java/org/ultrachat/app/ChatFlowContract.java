package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.config.Setting;

/**
 * The chat service end to end over REST, on a real node and store. Users come from the admin
 * provisioning path (personal access tokens), as a benchmark would make them.
 */
abstract class ChatFlowContract {
  @TempDir
  Path dir;
  Node node;
  Http http;
  String ana;
  String ben;
  String cid;
  String anaId;
  String benId;
  String cidId;
  String guest;
  String guestId;

  abstract Map<Setting, String> storeSettings();

  /** @return a plain JDBC connection to the node's store, to check what is stored */
  abstract Connection store() throws Exception;

  void storeClosed() {
  }

  @BeforeEach
  void start() {
    node = TestNodes.start(dir.resolve("data"), storeSettings());
    http = new Http(node.port());
    Map<String, Http.Account> users = Http.provision(node, http, "ana", "ben", "cid", "guest:gia").getValue();
    ana = users.get("ana").token();
    anaId = users.get("ana").id();
    ben = users.get("ben").token();
    benId = users.get("ben").id();
    cid = users.get("cid").token();
    cidId = users.get("cid").id();
    guest = users.get("gia").token();
    guestId = users.get("gia").id();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
    storeClosed();
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

  JsonObject post(String token, String channelId, String body) {
    return ok(http.post("/v1/channels/" + channelId + "/messages", new JsonObject().put("body", body), token));
  }

  List<JsonObject> history(String token, String channelId) {
    return ok(http.get("/v1/channels/" + channelId + "/messages?limit=100", token)).getJsonArray("messages").stream()
        .map(JsonObject.class::cast).toList();
  }

  List<Long> eventSeqs(String channelId) throws Exception {
    List<Long> seqs = new ArrayList<>();
    try (Connection c = store(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT seq FROM channel_events WHERE channel_id = '" + channelId + "' ORDER BY seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    return seqs;
  }

  // ---- conversations

  @Test
  void twoUsersConverseInAChannelAThreadAndADirectMessage() {
    String general = channel(ana, "public", "general");
    ok(http.send("POST", "/v1/channels/" + general + "/join", null, ben));
    JsonObject hello = post(ana, general, "hello @ben, ready for the launch?");
    assertThat(hello.getJsonArray("mentions")).containsExactly(benId);
    JsonObject reply = ok(http.post("/v1/channels/" + general + "/messages", new JsonObject().put("body", "yes, all set")
        .put("threadRootId", hello.getString("id")), ben));
    assertThat(reply.getLong("seq")).isGreaterThan(hello.getLong("seq"));

    List<JsonObject> seenByBen = history(ben, general);
    assertThat(seenByBen).extracting(m -> m.getString("body")).containsExactly("hello @ben, ready for the launch?");
    assertThat(seenByBen.get(0).getInteger("replyCount")).isEqualTo(1);
    List<JsonObject> thread = ok(http.get("/v1/channels/" + general + "/messages/" + hello.getString("id") + "/thread",
        ana)).getJsonArray("messages").stream().map(JsonObject.class::cast).toList();
    assertThat(thread).extracting(m -> m.getString("body")).containsExactly("hello @ben, ready for the launch?", "yes, all set");

    JsonObject mine = ok(http.get("/v1/channels", ben)).getJsonArray("channels").getJsonObject(0);
    assertThat(mine.getInteger("mentions")).isEqualTo(1);
    assertThat(mine.getLong("unread")).isEqualTo(1);
    assertThat(http.post("/v1/channels/" + general + "/read", new JsonObject().put("seq", mine.getLong("lastSeq")), ben)
        .statusCode()).isEqualTo(204);
    JsonObject read = ok(http.get("/v1/channels", ben)).getJsonArray("channels").getJsonObject(0);
    assertThat(read.getInteger("mentions")).isZero();
    assertThat(read.getLong("unread")).isZero();

    String dm = ok(http.post("/v1/channels/direct", new JsonObject().put("userId", benId), ana)).getString("id");
    assertThat(ok(http.post("/v1/channels/direct", new JsonObject().put("userId", anaId), ben)).getString("id"))
        .as("one direct channel per pair").isEqualTo(dm);
    post(ana, dm, "psst");
    assertThat(history(ben, dm)).extracting(m -> m.getString("body")).containsExactly("psst");
  }

  @Test
  void deletingAReplyTakesItOutOfTheRootsReplyCount() {
    String ch = channel(ana, "public", "threads");
    JsonObject root = post(ana, ch, "root");
    JsonObject reply = ok(http.post("/v1/channels/" + ch + "/messages", new JsonObject().put("body", "reply")
        .put("threadRootId", root.getString("id")), ana));
    assertThat(history(ana, ch).get(0).getInteger("replyCount")).isEqualTo(1);
    ok(http.send("DELETE", "/v1/channels/" + ch + "/messages/" + reply.getString("id"), null, ana));
    assertThat(history(ana, ch).get(0).getInteger("replyCount")).isZero();
  }

  @Test
  void aNonMemberCanNeitherSeeNorTouchAPrivateChannel() {
    String secret = channel(ana, "private", "secret");
    ok(http.post("/v1/channels/" + secret + "/members", new JsonObject().put("userId", benId), ana));
    JsonObject m = post(ben, secret, "the launch code is swordfish");
    String base = "/v1/channels/" + secret;
    String msg = base + "/messages/" + m.getString("id");

    problem(http.get(base, cid), 404);
    problem(http.get(base + "/messages", cid), 404);
    problem(http.get(base + "/members", cid), 404);
    problem(http.get(base + "/pins", cid), 404);
    problem(http.get(msg + "/thread", cid), 404);
    problem(http.get(msg + "/edits", cid), 404);
    problem(http.post(base + "/messages", new JsonObject().put("body", "let me in"), cid), 404);
    problem(http.send("PUT", msg + "/reactions/eyes", null, cid), 404);
    problem(http.send("PUT", msg + "/pin", null, cid), 404);
    problem(http.send("PATCH", msg, new JsonObject().put("body", "mine now"), cid), 404);
    problem(http.send("DELETE", msg, null, cid), 404);
    problem(http.post(base + "/read", new JsonObject().put("seq", 1), cid), 404);
    problem(http.post(base + "/members", new JsonObject().put("userId", cidId), cid), 404);
    problem(http.send("POST", base + "/join", null, cid), 404);
    problem(http.send("PATCH", base, new JsonObject().put("topic", "hacked"), cid), 404);
    assertThat(ok(http.get("/v1/search?q=swordfish", cid)).getJsonArray("messages")).isEmpty();
    assertThat(ok(http.get("/v1/search?q=swordfish", ana)).getJsonArray("messages")).hasSize(1);
    assertThat(history(ana, secret)).extracting(x -> x.getString("body")).containsExactly("the launch code is swordfish");
  }

  @Test
  void membersOfAPublicChannelWriteButOutsidersOnlyRead() {
    String town = channel(ana, "public", "town-square");
    JsonObject m = post(ana, town, "welcome");
    assertThat(history(cid, town)).hasSize(1);
    problem(http.post("/v1/channels/" + town + "/messages", new JsonObject().put("body", "hi"), cid), 403);
    problem(http.send("PUT", "/v1/channels/" + town + "/messages/" + m.getString("id") + "/reactions/wave", null, cid), 403);
    ok(http.send("POST", "/v1/channels/" + town + "/join", null, cid));
    assertThat(post(cid, town, "hi").getString("body")).isEqualTo("hi");
    problem(http.send("DELETE", "/v1/channels/" + town + "/messages/" + m.getString("id"), null, cid), 403);
    problem(http.send("DELETE", "/v1/channels/" + town + "/members/" + anaId, null, cid), 403);
  }

  @Test
  void guestsSeeOnlyTheChannelsTheyAreInvitedTo() {
    String open = channel(ana, "public", "open-to-members");
    post(ana, open, "members only, guests not");
    problem(http.get("/v1/channels/" + open + "/messages", guest), 404);
    problem(http.send("POST", "/v1/channels/" + open + "/join", null, guest), 403);
    problem(http.get("/v1/channels?scope=browse", guest), 403);
    problem(http.post("/v1/channels/direct", new JsonObject().put("userId", anaId), guest), 403);
    problem(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "guest-made"), guest), 403);

    String project = channel(ana, "private", "project");
    ok(http.post("/v1/channels/" + project + "/members", new JsonObject().put("userId", guestId), ana));
    post(ana, project, "welcome, guest");
    assertThat(history(guest, project)).extracting(m -> m.getString("body")).containsExactly("welcome, guest");
    assertThat(post(guest, project, "thanks").getString("body")).isEqualTo("thanks");
  }

  @Test
  void aDirectMessageCannotBeLeftAndMentionsCountOnlyForMembers() {
    String dm = ok(http.post("/v1/channels/direct", new JsonObject().put("userId", benId), ana)).getString("id");
    problem(http.send("POST", "/v1/channels/" + dm + "/leave", null, ana), 403);
    String secret = channel(ana, "private", "hush");
    JsonObject m = post(ana, secret, "don't tell @cid about this");
    assertThat(m.getJsonArray("mentions")).as("cid is not a member").isEmpty();
    assertThat(ok(http.get("/v1/channels", cid)).getJsonArray("channels")).isEmpty();
  }

  @Test
  void aMessageNamingSeveralUsersCountsOneMentionForEachOtherMember() {
    String ch = channel(ana, "public", "roll-call");
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, cid));
    JsonObject m = post(ana, ch, "@ben @cid @ana @gia @nobody and @ben again");
    assertThat(m.getJsonArray("mentions")).as("members but the sender").containsExactlyInAnyOrder(benId, cidId);
    for (String token : List.of(ben, cid)) {
      assertThat(ok(http.get("/v1/channels", token)).getJsonArray("channels").getJsonObject(0).getInteger("mentions"))
          .isEqualTo(1);
    }
    assertThat(ok(http.get("/v1/channels", ana)).getJsonArray("channels").getJsonObject(0).getInteger("mentions"))
        .isZero();
    assertThat(history(ana, ch).get(0).getJsonArray("mentions")).containsExactlyInAnyOrder(benId, cidId);
  }

  @Test
  void everyChangeIsPublishedOnTheBusWithItsChannelAndSeq() throws Exception {
    String ch = channel(ana, "public", "on-the-bus");
    BlockingQueue<JsonObject> channelEvents = new LinkedBlockingQueue<>();
    BlockingQueue<JsonObject> benEvents = new LinkedBlockingQueue<>();
    var s1 = node.bus().subscribe(Bus.channelTopic(ch), channelEvents::add);
    var s2 = node.bus().subscribe(Bus.userTopic(benId), benEvents::add);
    try {
      ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
      JsonObject m = post(ana, ch, "hey @ben");
      String msg = "/v1/channels/" + ch + "/messages/" + m.getString("id");
      ok(http.send("PATCH", msg, new JsonObject().put("body", "hey @ben!"), ana));
      ok(http.send("PUT", msg + "/reactions/wave", null, ben));
      ok(http.send("DELETE", msg + "/reactions/wave", null, ben));
      ok(http.send("PUT", msg + "/pin", null, ben));
      ok(http.send("DELETE", msg, null, ana));
      http.post("/v1/channels/" + ch + "/read", new JsonObject().put("seq", 8), ben);

      List<String> kinds = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        JsonObject e = channelEvents.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("event %d", i).isNotNull();
        assertThat(e.getString("channelId")).isEqualTo(ch);
        kinds.add(e.getString("type"));
        seqs.add(e.getLong("seq"));
      }
      assertThat(kinds).containsExactly("member.joined", "message.created", "message.updated", "reaction.added",
          "reaction.removed", "message.pinned", "message.deleted");
      assertThat(seqs).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
      List<String> personal = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonObject e = benEvents.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        personal.add(e.getString("type"));
      }
      assertThat(personal).containsExactly("member.joined", "mention", "read_state.updated");
    } finally {
      s1.cancel();
      s2.cancel();
    }
  }

  // ---- the event stream and idempotency

  @Test
  void everyVisibleChangeTakesTheNextSeqAndMessagesKeepTheirs() throws Exception {
    String ch = channel(ana, "public", "stream");
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    JsonObject first = post(ana, ch, "first");
    post(ben, ch, "second");
    String msg = "/v1/channels/" + ch + "/messages/" + first.getString("id");
    ok(http.send("PATCH", msg, new JsonObject().put("body", "first, edited"), ana));
    ok(http.send("PUT", msg + "/reactions/tada", null, ben));
    ok(http.send("PUT", msg + "/reactions/tada", null, ben)); // no change, no event
    ok(http.send("PUT", msg + "/pin", null, ben));
    ok(http.send("DELETE", msg + "/reactions/tada", null, ben));
    ok(http.send("DELETE", msg, null, ana));
    assertThat(http.send("POST", "/v1/channels/" + ch + "/leave", null, ben).statusCode()).isEqualTo(204);

    List<Long> seqs = eventSeqs(ch);
    assertThat(seqs).hasSize(10);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1);
    }
    JsonObject after = history(ana, ch).get(0);
    assertThat(after.getLong("seq")).isEqualTo(first.getLong("seq"));
    assertThat(after.getBoolean("deleted")).isTrue();
    assertThat(after.getString("body")).isNull();
  }

  @Test
  void aRetriedSendWithTheSameClientIdStoresOnce() throws Exception {
    String ch = channel(ana, "public", "retries");
    JsonObject body = new JsonObject().put("body", "exactly once").put("clientId", "c-42");
    HttpResponse<String> first = http.post("/v1/channels/" + ch + "/messages", body, ana);
    HttpResponse<String> again = http.post("/v1/channels/" + ch + "/messages", body, ana);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("id")).isEqualTo(new JsonObject(first.body()).getString("id"));

    List<Integer> statuses = Race.all(8, i -> http.post("/v1/channels/" + ch + "/messages",
        new JsonObject().put("body", "raced").put("clientId", "c-43"), ana).statusCode());
    assertThat(statuses).allMatch(s -> s == 200 || s == 201 || s == 409);
    assertThat(history(ana, ch)).extracting(m -> m.getString("body")).containsExactly("exactly once", "raced");
    assertThat(eventSeqs(ch)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aSendRefusedByItsChecksLeavesItsClientIdFree() throws Exception {
    String ch = channel(ana, "public", "claims");
    String path = "/v1/channels/" + ch + "/messages";
    JsonObject send = new JsonObject().put("body", "first words").put("clientId", "k-1");
    problem(http.post(path, send, cid), 403);
    problem(http.post(path, send.copy().put("threadRootId", "01a217c2-2c37-7079-be1a-a46d3ccccc9e"), ana), 404);
    assertThat(eventSeqs(ch)).as("nothing stored, no seq taken").containsExactly(1L);

    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, cid));
    HttpResponse<String> stored = http.post(path, send, cid);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
    HttpResponse<String> retried = http.post(path, send, cid);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(new JsonObject(retried.body()).getString("id")).isEqualTo(new JsonObject(stored.body()).getString("id"));
    HttpResponse<String> anas = http.post(path, send, ana);
    assertThat(anas.statusCode()).as("client ids are per sender").isEqualTo(201);
    assertThat(eventSeqs(ch)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aClientIdUsedInAnotherChannelIsAConflictAndTakesNoSeq() throws Exception {
    String one = channel(ana, "public", "first-channel");
    String two = channel(ana, "public", "second-channel");
    JsonObject send = new JsonObject().put("body", "hello").put("clientId", "k-2");
    assertThat(http.post("/v1/channels/" + one + "/messages", send, ana).statusCode()).isEqualTo(201);
    problem(http.post("/v1/channels/" + two + "/messages", send, ana), 409);
    assertThat(eventSeqs(two)).containsExactly(1L);
    assertThat(history(ana, two)).isEmpty();
  }

  @Test
  void aRetryAfterTheChannelWasArchivedStillAnswersWithTheStoredMessage() throws Exception {
    String ch = channel(ana, "public", "archived-later");
    String path = "/v1/channels/" + ch + "/messages";
    JsonObject send = new JsonObject().put("body", "before the archive").put("clientId", "k-3");
    JsonObject first = ok(http.post(path, send, ana));
    ok(http.send("PATCH", "/v1/channels/" + ch, new JsonObject().put("archived", true), ana));
    HttpResponse<String> retried = http.post(path, send, ana);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(new JsonObject(retried.body()).getString("id")).isEqualTo(first.getString("id"));
    problem(http.post(path, send.copy().put("clientId", "k-4"), ana), 409);
    assertThat(eventSeqs(ch)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void concurrentSendersGetEveryAckedMessageStoredOnceWithGaplessSeqs() throws Exception {
    String ch = channel(ana, "public", "busy");
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    List<Long> acked = Race.all(40, n -> ok(http.post("/v1/channels/" + ch + "/messages",
            new JsonObject().put("body", "m" + n).put("clientId", "k" + n), n % 2 == 0 ? ana : ben)))
        .stream().map(m -> m.getLong("seq")).sorted().toList();
    List<Long> stored = history(ana, ch).stream().map(m -> m.getLong("seq")).toList();
    assertThat(stored).containsExactlyElementsOf(acked);
    List<Long> seqs = eventSeqs(ch);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1);
    }
  }

  // ---- encryption and search

  @Test
  void bodiesAreSealedAtRestAndBoundToTheirRow() throws Exception {
    String ch = channel(ana, "public", "vault");
    JsonObject a = post(ana, ch, "the treasure is under the old oak tree");
    JsonObject b = post(ana, ch, "meet at noon by the river");
    String storedA;
    String storedB;
    try (Connection c = store()) {
      storedA = storedBody(c, a.getString("id"));
      storedB = storedBody(c, b.getString("id"));
    }
    String plainBase64 = Base64.getEncoder().encodeToString("the treasure".getBytes(StandardCharsets.UTF_8));
    assertThat(storedA).doesNotContain("treasure").doesNotContain(plainBase64.substring(0, 12));
    assertThat(new String(Base64.getDecoder().decode(storedA), StandardCharsets.ISO_8859_1)).doesNotContain("treasure");

    try (Connection c = store()) {
      c.createStatement().executeUpdate("UPDATE messages SET body = '" + storedB + "' WHERE id = '" + a.getString("id") + "'");
      c.createStatement().executeUpdate("UPDATE messages SET body = '" + storedA + "' WHERE id = '" + b.getString("id") + "'");
    }
    HttpResponse<String> swapped = http.get("/v1/channels/" + ch + "/messages", ana);
    assertThat(swapped.statusCode()).as("swapped ciphertexts do not open").isEqualTo(500);
    assertThat(swapped.body()).doesNotContain("treasure").doesNotContain("river");
  }

  private static String storedBody(Connection c, String id) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT body, sealed FROM messages WHERE id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt("sealed")).isEqualTo(1);
      return rs.getString("body");
    }
  }

  @Test
  void searchFindsWordsInEncryptedMessagesNewestFirstAndForgetsDeletedOnes() {
    String ch = channel(ana, "public", "search");
    JsonObject older = post(ana, ch, "Deploying the new release tonight");
    JsonObject newer = post(ana, ch, "The release was deployed, all good");
    post(ana, ch, "lunch anyone?");
    List<String> found = ok(http.get("/v1/search?q=RELEASE%20deploy", ana)).getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("id")).toList();
    assertThat(found).containsExactly(newer.getString("id"), older.getString("id"));

    ok(http.send("DELETE", "/v1/channels/" + ch + "/messages/" + newer.getString("id"), null, ana));
    assertThat(ok(http.get("/v1/search?q=release", ana)).getJsonArray("messages")).hasSize(1);
    problem(http.get("/v1/search?q=%20%20", ana), 400);
  }

  @Test
  void aMessageWithMoreWordsThanTheIndexTakesIsSearchableByItsFirst512() {
    String ch = channel(ana, "public", "long-reads");
    JsonObject m = post(ana, ch, words("w", 600));
    String search = "/v1/search?q=";
    assertThat(ok(http.get(search + "w0001", ana)).getJsonArray("messages")).hasSize(1);
    assertThat(ok(http.get(search + "w0512", ana)).getJsonArray("messages")).hasSize(1);
    assertThat(ok(http.get(search + "w0513", ana)).getJsonArray("messages")).isEmpty();

    ok(http.send("PATCH", "/v1/channels/" + ch + "/messages/" + m.getString("id"), new JsonObject().put("body",
        words("v", 600)), ana));
    assertThat(ok(http.get(search + "w0001", ana)).getJsonArray("messages")).isEmpty();
    assertThat(ok(http.get(search + "v0512", ana)).getJsonArray("messages")).hasSize(1);
    assertThat(ok(http.get(search + "v0513", ana)).getJsonArray("messages")).isEmpty();
  }

  /** @return n distinct words, {@code <prefix>0001} on, each its own search term */
  private static String words(String prefix, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append(prefix).append(String.format("%04d", i)).append(' ');
    }
    return b.toString().trim();
  }

  @Test
  void editsKeepTheirHistoryUntilTheMessageIsDeleted() throws Exception {
    String ch = channel(ana, "public", "edits");
    JsonObject m = post(ana, ch, "teh first draft");
    String msg = "/v1/channels/" + ch + "/messages/" + m.getString("id");
    ok(http.send("PATCH", msg, new JsonObject().put("body", "the first draft"), ana));
    ok(http.send("PATCH", msg, new JsonObject().put("body", "the final draft"), ana));
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    problem(http.send("PATCH", msg, new JsonObject().put("body", "not yours"), ben), 403);
    List<String> earlier = ok(http.get(msg + "/edits", ana)).getJsonArray("edits").stream()
        .map(e -> ((JsonObject) e).getString("body")).toList();
    assertThat(earlier).containsExactly("teh first draft", "the first draft");
    assertThat(ok(http.get("/v1/search?q=final", ana)).getJsonArray("messages")).hasSize(1);
    assertThat(ok(http.get("/v1/search?q=teh", ana)).getJsonArray("messages")).isEmpty();

    ok(http.send("DELETE", msg, null, ana));
    try (Connection c = store(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT COUNT(*) FROM message_edits WHERE message_id = '" + m.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    problem(http.get(msg + "/edits", ana), 409);
  }

  @Test
  void reactionsAndPinsAreCounted() {
    String ch = channel(ana, "public", "fun");
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    JsonObject m = post(ana, ch, "ship it");
    String msg = "/v1/channels/" + ch + "/messages/" + m.getString("id");
    ok(http.send("PUT", msg + "/reactions/rocket", null, ana));
    JsonObject reacted = ok(http.send("PUT", msg + "/reactions/rocket", null, ben));
    assertThat(reacted.getJsonObject("reactions").getInteger("rocket")).isEqualTo(2);
    JsonObject pinned = ok(http.send("PUT", msg + "/pin", null, ben));
    assertThat(pinned.getBoolean("pinned")).isTrue();
    assertThat(ok(http.get("/v1/channels/" + ch + "/pins", ana)).getJsonArray("messages")).hasSize(1);
  }

  @Test
  void everyMessageOfAPageCarriesItsOwnReactionsInEmojiOrder() {
    String ch = channel(ana, "public", "reacted");
    ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
    List<String> ids = new ArrayList<>();
    for (String body : List.of("one", "two", "three")) {
      ids.add(post(ana, ch, body).getString("id"));
    }
    String msg = "/v1/channels/" + ch + "/messages/";
    ok(http.send("PUT", msg + ids.get(0) + "/reactions/rocket", null, ana));
    ok(http.send("PUT", msg + ids.get(0) + "/reactions/rocket", null, ben));
    ok(http.send("PUT", msg + ids.get(0) + "/reactions/eyes", null, ben));
    ok(http.send("PUT", msg + ids.get(2) + "/reactions/tada", null, ben));
    ok(http.send("PUT", msg + ids.get(2) + "/pin", null, ana));

    List<JsonObject> newest = history(ana, ch);
    List<JsonObject> older = ok(http.get("/v1/channels/" + ch + "/messages?before=1000", ana)).getJsonArray("messages")
        .stream().map(JsonObject.class::cast).toList();
    for (List<JsonObject> page : List.of(newest, older)) {
      assertThat(page).extracting(m -> m.getString("id")).containsExactlyElementsOf(ids);
      assertThat(page.get(0).getJsonObject("reactions").fieldNames()).containsExactly("eyes", "rocket");
      assertThat(page.get(0).getJsonObject("reactions").getMap()).isEqualTo(Map.of("eyes", 1, "rocket", 2));
      assertThat(page.get(1).getJsonObject("reactions").isEmpty()).isTrue();
      assertThat(page.get(2).getJsonObject("reactions").getMap()).isEqualTo(Map.of("tada", 1));
    }
    JsonObject pinned = ok(http.get("/v1/channels/" + ch + "/pins", ana)).getJsonArray("messages").getJsonObject(0);
    assertThat(pinned.getJsonObject("reactions").getMap()).isEqualTo(Map.of("tada", 1));
  }

  @Test
  void cacheHitsRiseWhenTheSameDataIsReadAgain() {
    String ch = channel(ana, "public", "cached");
    post(ana, ch, "read me twice");
    history(ana, ch);
    String hits = "cache_gets_total{cache=\"channel-members\",result=\"hit\"}";
    String channelHits = "cache_gets_total{cache=\"channels\",result=\"hit\"}";
    double before = http.metric(hits);
    double channelsBefore = http.metric(channelHits);
    history(ana, ch);
    history(ana, ch);
    assertThat(http.metric(hits) - before).isEqualTo(2);
    assertThat(http.metric(channelHits) - channelsBefore).isEqualTo(2);
    assertThat(http.metric("cache_gets_total{cache=\"users\",result=\"hit\"}")).isGreaterThan(0);
    String recentHits = "cache_gets_total{cache=\"recent-messages\",result=\"hit\"}";
    double recentBefore = http.metric(recentHits);
    assertThat(history(ben, ch)).extracting(m -> m.getString("body")).containsExactly("read me twice");
    assertThat(http.metric(recentHits) - recentBefore).isEqualTo(1);
    post(ana, ch, "a new message invalidates the page");
    assertThat(history(ben, ch)).extracting(m -> m.getString("body"))
        .containsExactly("read me twice", "a new message invalidates the page");
  }

  @Test
  void aRemovedMemberLosesReadAccessAtOnce() {
    String team = channel(ana, "private", "team");
    ok(http.post("/v1/channels/" + team + "/members", new JsonObject().put("userId", benId), ana));
    post(ana, team, "before the removal");
    assertThat(history(ben, team)).hasSize(1);
    assertThat(history(ben, team)).hasSize(1); // now cached
    assertThat(http.send("DELETE", "/v1/channels/" + team + "/members/" + benId, null, ana).statusCode()).isEqualTo(204);
    problem(http.get("/v1/channels/" + team + "/messages", ben), 404);
    problem(http.post("/v1/channels/" + team + "/messages", new JsonObject().put("body", "still here?"), ben), 404);
  }

  // ---- bad input

  @Test
  void badInputGetsProblemsAndChangesNothing() throws Exception {
    String ch = channel(ana, "public", "strict");
    String base = "/v1/channels/" + ch + "/messages";
    problem(http.post(base, new JsonObject().put("body", "x".repeat(4001)), ana), 400);
    problem(http.post(base, new JsonObject().put("body", "   "), ana), 400);
    problem(http.post(base, new JsonObject().put("body", 7), ana), 400);
    problem(http.post(base, new JsonObject().put("body", "ok").put("clientId", "has spaces"), ana), 400);
    problem(http.post(base, new JsonObject().put("body", "ok").put("threadRootId", "nope"), ana), 400);
    problem(http.post(base, "{\"body\": ", ana), 400);
    problem(http.post("/v1/channels", new JsonObject().put("kind", "secret").put("name", "x"), ana), 400);
    problem(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "Bad Name!"), ana), 400);
    problem(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "strict"), ana), 409);
    problem(http.get(base + "?before=-1", ana), 400);
    problem(http.get(base + "?limit=1000", ana), 400);
    problem(http.get("/v1/channels/not-an-id/messages", ana), 400);
    problem(http.post("/v1/channels/" + ch + "/read", new JsonObject().put("seq", 99), ana), 400);
    assertThat(history(ana, ch)).isEmpty();
    assertThat(eventSeqs(ch)).containsExactly(1L);
  }
}
