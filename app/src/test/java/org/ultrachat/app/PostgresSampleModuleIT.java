package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.ultrachat.platform.testing.TestPostgres;

/** The sample module migrates and serves on PostgreSQL as on the embedded store ({@link SampleModuleTest}). */
class PostgresSampleModuleIT {
  @TempDir
  Path dir;
  private TestPostgres pg;
  private Node node;

  @BeforeEach
  void database() {
    pg = TestPostgres.create();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void theSampleMigratesAndServesOnPostgres() throws Exception {
    node = Node.start(Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.toString(), NodeSettings.DB_URL, pg.url(), Node.SERVICES, "sample",
        SampleModule.GREETING, "hej")), SampleModule.WITH_SAMPLE);

    var answer = new Http(node.port()).get(SampleModule.PATH);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(answer.body()).getString("greeting")).isEqualTo("hej");
    try (Connection c = pg.connect();
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_history_sample WHERE success")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("V1 applied (the baseline row too)").isGreaterThanOrEqualTo(1);
    }
  }
}
