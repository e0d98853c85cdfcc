package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.testing.TcpProxy;
import org.ultrachat.platform.testing.TestPostgres;

/** The chat flow on PostgreSQL, plus two nodes writing into one channel of one database. */
class PostgresChatFlowIT extends ChatFlowContract {
  private TestPostgres pg;
  private final String masterKey = newMasterKey();

  private static String newMasterKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Override
  Map<Setting, String> storeSettings() {
    pg = TestPostgres.create();
    // A cluster shares one master key; the second node below gets the same one.
    return Map.of(NodeSettings.DB_URL, pg.url(), NodeSettings.MASTER_KEY, masterKey);
  }

  @Override
  Connection store() throws Exception {
    return pg.connect();
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void twoNodesSendingIntoOneChannelStoreEveryAckedMessageOnceWithGaplessSeqs() throws Exception {
    Map<Setting, String> settings = new HashMap<>(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("node2").toString()));
    settings.putAll(storeSettings2());
    Node second = Node.start(Config.defaults().with(settings));
    try {
      Http other = new Http(second.port());
      String ch = channel(ana, "public", "two-nodes");
      ok(http.send("POST", "/v1/channels/" + ch + "/join", null, ben));
      List<Long> acked = Race.all(60, n -> ok((n % 2 == 0 ? http : other).post("/v1/channels/" + ch + "/messages",
              new JsonObject().put("body", "m" + n).put("clientId", "two-" + n), n % 3 == 0 ? ben : ana)))
          .stream().map(m -> m.getLong("seq")).sorted().toList();
      assertThat(acked).doesNotHaveDuplicates().hasSize(60);
      List<Long> stored = history(ana, ch).stream().map(m -> m.getLong("seq")).toList();
      assertThat(stored).containsExactlyElementsOf(acked);
      List<Long> seqs = eventSeqs(ch);
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(i + 1);
      }
    } finally {
      second.stop();
    }
  }

  @Test
  void historyReadsFromTheReplicaWhileWritesSearchAndAccessUseThePrimary() {
    Vertx proxyVertx = Vertx.vertx();
    TcpProxy replica =
        new TcpProxy(proxyVertx, pg.host(), pg.port()).start();
    Map<Setting, String> settings = new HashMap<>(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("node3").toString(), NodeSettings.DB_REPLICA_URL, pg.url("127.0.0.1", replica.port())));
    settings.putAll(storeSettings2());
    Node withReplica = Node.start(Config.defaults().with(settings));
    try {
      Http via = new Http(withReplica.port());
      String ch = ok(via.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "replicated"), ana))
          .getString("id");
      ok(via.post("/v1/channels/" + ch + "/messages", new JsonObject().put("body", "replicated words"), ana));
      assertThat(ok(via.get("/v1/channels/" + ch + "/messages", ana)).getJsonArray("messages")).hasSize(1);
      assertThat(ok(via.get("/v1/search?q=replicated", ana)).getJsonArray("messages")).hasSize(1);

      replica.cut();
      assertThat(via.get("/v1/channels/" + ch + "/messages", ana).statusCode()).as("history needs the replica")
          .isGreaterThanOrEqualTo(500);
      assertThat(via.get("/v1/search?q=replicated", ana).statusCode())
          .as("search decides access by membership, so it reads the primary").isEqualTo(200);
      assertThat(via.post("/v1/channels/" + ch + "/messages", new JsonObject().put("body", "still writing"), ana)
          .statusCode()).as("writes use the primary").isEqualTo(201);
      assertThat(via.get("/health/ready").statusCode()).isEqualTo(503);

      replica.start();
      assertThat(ok(via.get("/v1/channels/" + ch + "/messages", ana)).getJsonArray("messages")).hasSize(2);
    } finally {
      withReplica.stop();
      proxyVertx.close().await();
    }
  }

  private Map<Setting, String> storeSettings2() {
    return Map.of(NodeSettings.DB_URL, pg.url(), NodeSettings.MASTER_KEY, masterKey);
  }
}
