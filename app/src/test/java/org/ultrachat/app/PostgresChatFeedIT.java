package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.seam.ChatFeed;
import org.ultrachat.platform.testing.TestPostgres;
import org.ultrachat.platform.testing.TestRedis;

/**
 * Chat's durable feed on PostgreSQL, where four group-commit writers commit side by side; and
 * the same feed read on a node without chat, over chat's internal routes.
 */
class PostgresChatFeedIT extends ChatFeedContract {
  private static final String SECRET = "feed-test-cluster-secret-0123456789abcdef";
  /** The nodes of one installation share its master key. */
  private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private TestPostgres pg;

  @Override
  Map<Setting, String> storeSettings() {
    pg = TestPostgres.create();
    return Map.of(NodeSettings.DB_URL, pg.url(), NodeSettings.REDIS_URL, TestRedis.url(),
        NodeSettings.CLUSTER_SECRET, SECRET, NodeSettings.MASTER_KEY, MASTER_KEY);
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aNodeWithoutChatReadsTheSameFeedOverChatsInternalRoutes() {
    String channelId = channel("remote");
    for (int i = 0; i < 12; i++) {
      post(channelId, "message " + i);
    }
    String origin = "http://127.0.0.1:" + node.port();
    Node gateway = Node.start(Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0",
        EdgeSettings.HTTP_HOST, "127.0.0.1", NodeSettings.DATA_DIR, dir.resolve("gateway").toString(),
        NodeSettings.DB_URL, pg.url(), NodeSettings.REDIS_URL, TestRedis.url(), NodeSettings.CLUSTER_SECRET, SECRET,
        NodeSettings.MASTER_KEY, MASTER_KEY, Node.SERVICES, "gateway", Node.setting("upstream-auth").orElseThrow(), origin,
        Node.setting("upstream-chat").orElseThrow(), origin)));
    try {
      ChatFeed remote = gateway.capability(ChatFeed.class).orElseThrow();
      assertThat(remote.getClass()).isNotEqualTo(feed().getClass());
      Consumer here = new Consumer(feed(), ChatFeed.START, 5);
      Consumer there = new Consumer(remote, ChatFeed.START, 5);
      here.drain();
      there.drain();
      assertThat(there.handled).hasSize(12).containsExactlyElementsOf(here.handled);
      assertThat(there.cursor).isEqualTo(here.cursor);
    } finally {
      gateway.stop();
    }
  }
}
