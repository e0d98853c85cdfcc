package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.seam.ChatFeed;

/**
 * Chat's durable feed as a consumer that must not miss an event uses it: it keeps its cursor,
 * stops, and catches up from the cursor exactly; and a consumer reading while many write sees
 * every event once. Runs on both stores ({@link ChatFeedTest}, {@link PostgresChatFeedIT}).
 */
abstract class ChatFeedContract {
  private static final Set<String> WANTED = Set.of("message.created", "message.deleted");

  @TempDir
  Path dir;
  Node node;
  Http http;
  String ana;
  String ben;

  abstract Map<Setting, String> storeSettings();

  void storeClosed() {
  }

  @BeforeEach
  void start() {
    node = TestNodes.start(dir.resolve("data"), storeSettings());
    http = new Http(node.port());
    Map<String, Http.Account> users = Http.provision(node, http, "ana", "ben").getValue();
    ana = users.get("ana").token();
    ben = users.get("ben").token();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
    storeClosed();
  }

  ChatFeed feed() {
    return node.capability(ChatFeed.class).orElseThrow();
  }

  /** A consumer of the feed: what it handled, and the cursor it would keep in its own table. */
  static final class Consumer {
    private final ChatFeed feed;
    private final int pageSize;
    String cursor;
    final List<String> handled = new ArrayList<>();

    Consumer(ChatFeed feed, String cursor, int pageSize) {
      this.feed = feed;
      this.cursor = cursor;
      this.pageSize = pageSize;
    }

    /** Reads until the feed has nothing more; @return how many events it handled */
    int drain() {
      int before = handled.size();
      while (true) {
        ChatFeed.Page page = feed.after(cursor, WANTED, pageSize).await();
        page.events().forEach(e -> handled.add(e.kind() + " " + messageId(e.event())));
        assertThat(page.next()).as("the cursor moves on or stays, never back").isNotNull();
        boolean moved = !page.next().equals(cursor);
        cursor = page.next();
        if (page.events().isEmpty() && !moved) {
          return handled.size() - before;
        }
      }
    }

    private static String messageId(JsonObject event) {
      return event.getString("messageId", event.getJsonObject("message", new JsonObject()).getString("id"));
    }
  }

  static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  String channel(String name) {
    return ok(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", name), ana)).getString("id");
  }

  String post(String channelId, String body) {
    return ok(http.post("/v1/channels/" + channelId + "/messages", new JsonObject().put("body", body), ana))
        .getString("id");
  }

  @Test
  void aConsumerStoppedWhileMessagesWerePostedAndDeletedCatchesUpExactlyFromItsCursor() {
    List<String> channels = List.of(channel("one"), channel("two"), channel("three"));
    String first = post(channels.get(0), "before the consumer stops");
    Consumer consumer = new Consumer(feed(), ChatFeed.START, 100);
    consumer.drain();
    assertThat(consumer.handled).containsExactly("message.created " + first);
    String kept = consumer.cursor;

    // While it is stopped: posts in three channels, deletions, and events it does not want.
    List<String> expected = new ArrayList<>();
    List<String> posted = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String channelId = channels.get(i % 3);
      String id = post(channelId, "message " + i);
      posted.add(channelId + "/" + id);
      expected.add("message.created " + id);
      if (i % 3 == 2) {
        String[] victim = posted.get(i - 1).split("/");
        ok(http.send("DELETE", "/v1/channels/" + victim[0] + "/messages/" + victim[1], null, ana));
        expected.add("message.deleted " + victim[1]);
      }
      if (i % 5 == 0) {
        ok(http.send("PUT", "/v1/channels/" + channelId + "/messages/" + id + "/reactions/wave", null, ana));
      }
    }
    ok(http.send("POST", "/v1/channels/" + channels.get(1) + "/join", null, ben));

    Consumer resumed = new Consumer(feed(), kept, 7);
    resumed.drain();
    assertThat(resumed.handled).as("every wanted event after the cursor, once, in commit order")
        .containsExactlyElementsOf(expected);
    assertThat(resumed.drain()).as("nothing more, and the cursor is past the unwanted events too").isZero();
    assertThat(feed().after(resumed.cursor, Set.of(), 100).await().events()).isEmpty();
    assertThat(feed().after(ChatFeed.START, Set.of(), 1000).await().events()).extracting(ChatFeed.Event::kind)
        .as("unfiltered, the feed has every kind").contains("channel.created", "reaction.added", "member.joined");
  }

  @Test
  void aConsumerReadingWhileFourWritersPostSeesEveryMessageOnceAndEachChannelInOrder() throws Exception {
    List<String> channels = List.of(channel("w0"), channel("w1"), channel("w2"), channel("w3"));
    String head = feed().head().await();
    int perWriter = 25;
    Consumer consumer = new Consumer(feed(), head, 10);
    CompletableFuture<List<List<String>>> writers = CompletableFuture.supplyAsync(
        () -> Race.all(channels.size(), w -> {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < perWriter; i++) {
            ids.add(post(channels.get(w), "writer " + w + " message " + i));
          }
          return ids;
        }));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!writers.isDone() && System.nanoTime() < deadline) {
      consumer.drain();
    }
    List<List<String>> written = writers.get(1, TimeUnit.MINUTES);
    consumer.drain();

    List<String> expected = new ArrayList<>();
    written.forEach(ids -> ids.forEach(id -> expected.add("message.created " + id)));
    assertThat(consumer.handled).as("each message once").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
    for (List<String> ids : written) {
      List<String> seenOfThisWriter = consumer.handled.stream().filter(h -> ids.contains(h.substring(16))).toList();
      assertThat(seenOfThisWriter).as("one channel's messages in their order")
          .containsExactlyElementsOf(ids.stream().map(id -> "message.created " + id).toList());
    }
    assertThat(new HashSet<>(consumer.handled)).hasSize(channels.size() * perWriter);
  }

  @Test
  void aCursorTheFeedDidNotMakeIsRefused() {
    assertThatThrownBy(() -> feed().after("yesterday", Set.of(), 10).await())
        .isInstanceOf(ProblemException.BadInput.class).hasMessageContaining("not a feed cursor");
    assertThatThrownBy(() -> feed().after(ChatFeed.START, Set.of(), ChatFeed.MAX_PAGE + 1).await())
        .isInstanceOf(ProblemException.BadInput.class);
  }
}
