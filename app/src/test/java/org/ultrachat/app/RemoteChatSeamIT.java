package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.seam.ChatFeed;
import org.ultrachat.platform.seam.ChatLink;
import org.ultrachat.platform.testing.TestPostgres;
import org.ultrachat.platform.testing.TestRedis;

/**
 * The chat module implements each seam twice, in-process and over its internal routes; both must
 * answer alike. A full node and a gateway-only node reaching it (upstream-chat) are asked the same.
 */
// Bounded, so a hang fails instead of stalling CI: twice, in whole-suite runs, a remote call made
// from this test's thread waited for ever (InternalClient now runs such calls on a Vert.x context).
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RemoteChatSeamIT {
  private static final String SECRET = "seam-test-cluster-secret-0123456789abcdef";
  /** The nodes of one installation share its master key. */
  private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir
  Path dir;
  private TestPostgres pg;
  private Node full;
  private Node gateway;
  private Http http;
  private Http.Account ana;
  private Http.Account ben;

  @BeforeEach
  void start() {
    pg = TestPostgres.create();
    full = Node.start(node("full").with(Map.of()));
    String origin = "http://127.0.0.1:" + full.port();
    gateway = Node.start(node("gateway").with(Map.of(Node.SERVICES, "gateway",
        Node.setting("upstream-auth").orElseThrow(), origin, Node.setting("upstream-chat").orElseThrow(), origin)));
    http = new Http(full.port());
    Map<String, Http.Account> users = Http.provision(full, http, "ana", "ben").getValue();
    ana = users.get("ana");
    ben = users.get("ben");
  }

  private Config node(String name) {
    return Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve(name).toString(), NodeSettings.DB_URL, pg.url(),
        NodeSettings.REDIS_URL, TestRedis.url(), NodeSettings.CLUSTER_SECRET, SECRET, NodeSettings.MASTER_KEY, MASTER_KEY));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.stop();
    }
    if (full != null) {
      full.stop();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static Caller caller(Http.Account account) {
    return new Caller(account.id(), "member", Optional.empty(), Set.of("read", "write"));
  }

  private String channel(String name) {
    return new JsonObject(http.post("/v1/channels", new JsonObject().put("kind", "private").put("name", name),
        ana.token()).body()).getString("id");
  }

  @Test
  void theChatLinkAnswersAlikeInProcessAndOverTheInternalRoutes() {
    ChatLink local = full.capability(ChatLink.class).orElseThrow();
    ChatLink remote = gateway.capability(ChatLink.class).orElseThrow();
    assertThat(remote.getClass()).isNotEqualTo(local.getClass());
    String channelId = channel("seam");

    ChatLink.Sent sentRemotely = remote.send(caller(ana), channelId, "over the link", "c-1", Optional.empty()).await();
    ChatLink.Sent again = local.send(caller(ana), channelId, "over the link", "c-1", Optional.empty()).await();
    assertThat(sentRemotely.duplicate()).isFalse();
    assertThat(again.duplicate()).as("the same client id, in-process").isTrue();
    assertThat(again.seq()).isEqualTo(sentRemotely.seq());
    assertThat(again.messageId()).isEqualTo(sentRemotely.messageId());
    assertThat(again.message()).isEqualTo(sentRemotely.message());
    ChatLink.Sent secondRemotely = remote.send(caller(ana), channelId, "over the link", "c-1", Optional.empty()).await();
    assertThat(secondRemotely).isEqualTo(again);

    assertThat(remote.lastSeq(channelId).await()).isEqualTo(local.lastSeq(channelId).await());
    assertThat(remote.events(channelId, 0, 100).await()).isEqualTo(local.events(channelId, 0, 100).await());
    assertThat(remote.memberChannels(ana.id()).await()).isEqualTo(local.memberChannels(ana.id()).await())
        .contains(channelId);
    remote.member(caller(ana), channelId).await();
    for (ChatLink link : List.of(local, remote)) {
      assertThatThrownBy(() -> link.readable(caller(ben), channelId).await())
          .as("a private channel is not there for a stranger, either way").isInstanceOf(ProblemException.NotFound.class);
      assertThatThrownBy(() -> link.send(caller(ben), channelId, "let me in", "c-2", Optional.empty()).await())
          .isInstanceOf(ProblemException.NotFound.class);
    }
  }

  @Test
  void aNodeWithoutChatReadsTheSameFeedOverChatsInternalRoutes() {
    String channelId = channel("feed");
    for (int i = 0; i < 12; i++) {
      http.post("/v1/channels/" + channelId + "/messages", new JsonObject().put("body", "message " + i), ana.token());
    }
    ChatFeed local = full.capability(ChatFeed.class).orElseThrow();
    ChatFeed remote = gateway.capability(ChatFeed.class).orElseThrow();
    assertThat(remote.getClass()).isNotEqualTo(local.getClass());
    ChatFeedContract.Consumer here = new ChatFeedContract.Consumer(local, ChatFeed.START, 5);
    ChatFeedContract.Consumer there = new ChatFeedContract.Consumer(remote, ChatFeed.START, 5);
    here.drain();
    there.drain();
    assertThat(there.handled).hasSize(12).containsExactlyElementsOf(here.handled);
    assertThat(there.cursor).isEqualTo(here.cursor);
    assertThat(remote.head().await()).isEqualTo(local.head().await());
    assertThatThrownBy(() -> remote.after("not-a-cursor", Set.of(), 5).await())
        .as("the chat node's refusal crosses the link").isInstanceOf(ProblemException.BadInput.class);
  }
}
