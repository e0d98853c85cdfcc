package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.testing.TcpProxy;
import org.ultrachat.platform.testing.TestPostgres;

/** A real node on a real PostgreSQL database, reached through a proxy the test can cut. */
class PostgresNodeIT {
  @TempDir
  Path dir;
  private TestPostgres pg;
  private Vertx proxyVertx;
  private TcpProxy proxy;
  private Node node;
  private Http http;

  @BeforeEach
  void start() {
    pg = TestPostgres.create();
    proxyVertx = Vertx.vertx();
    proxy = new TcpProxy(proxyVertx, pg.host(), pg.port()).start();
    node = Node.start(Config.defaults().with(Map.of(
        EdgeSettings.HTTP_PORT, "0",
        EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.toString(),
        NodeSettings.DB_URL, pg.url("127.0.0.1", proxy.port()))));
    http = new Http(node.port());
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
    if (proxyVertx != null) {
      proxyVertx.close().await();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void servesHealthMetricsAndOpenApiOnPostgres() throws Exception {
    assertThat(http.get("/health/live").statusCode()).isIn(200, 204);
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(http.get("/openapi.json").statusCode()).isEqualTo(200);
    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("ultrachat_info{installation=\"" + node.installation().id() + "\",store=\"postgresql\"}")
        .contains("ultrachat_store_pool_max{pool=\"store-writer\"} 8.0");
    try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM installation")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("id")).isEqualTo(node.installation().id());
    }
  }

  @Test
  void readinessFailsWhileTheStoreIsUnreachableAndRecovers() {
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);

    proxy.cut();
    var down = http.get("/health/ready");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(down.body()).getString("outcome")).isEqualTo("DOWN");
    assertThat(http.get("/health/live").statusCode()).as("liveness does not depend on the store").isIn(200, 204);

    proxy.start();
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
  }
}
