package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.service.ServiceModule;
import org.ultrachat.platform.store.StoreTarget;

/**
 * A service is one module and one line in the module list: the sample module, added to the
 * build's list, migrates its table, is chosen with {@code services=sample}, reads its key,
 * serves its route and handles its frame type; the list without that line knows nothing of it.
 */
class SampleModuleTest {
  @TempDir
  Path dir;
  private Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
  }

  private Config config(String services) {
    return Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.toString(), Node.SERVICES, services));
  }

  @Test
  void aNodeOfTheSampleAloneServesItsRouteFromTheTableItMigrated() {
    node = Node.start(Config.load(Node.settings(SampleModule.WITH_SAMPLE), Optional.empty(), Map.of(),
        Map.of("services", "sample", "sample-greeting", "good morning", "http-port", "0", "http-host", "127.0.0.1",
            "data-dir", dir.toString())), SampleModule.WITH_SAMPLE);

    var answer = new Http(node.port()).get(SampleModule.PATH);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(answer.body())).isEqualTo(new JsonObject().put("greeting", "good morning")
        .put("notes", new JsonArray().add("written by the sample module's migration")));
    assertThat(new Http(node.port()).get("/v1/channels").statusCode()).as("chat does not run here").isEqualTo(404);
  }

  @Test
  void theSampleRunsBesideEveryOtherService() {
    node = Node.start(config("all"), SampleModule.WITH_SAMPLE);
    Http http = new Http(node.port());
    assertThat(http.get(SampleModule.PATH).statusCode()).isEqualTo(200);
    assertThat(http.get("/v1/channels").statusCode()).as("chat runs too and wants a token").isEqualTo(401);
  }

  @Test
  void theSampleHandlesItsFrameTypeOnTheGatewaysWebSocket() {
    node = Node.start(config("all"), SampleModule.WITH_SAMPLE);
    String token = Http.provision(node, new Http(node.port()), "ana").getValue().get("ana").token();
    Vertx vertx = Vertx.vertx();
    try {
      RealtimeClient client = RealtimeClient.connect(vertx, node.port(), token);
      client.send(new JsonObject().put("type", SampleModule.ECHO).put("id", "e1").put("text", "are you there?"));
      JsonObject answer = client.answer("e1", "sample.echoed");
      assertThat(answer.getString("text")).isEqualTo("are you there?");
      assertThat(answer.getString("greeting")).isEqualTo("hello");
      assertThat(answer.getString("userId")).isNotBlank();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void withoutItsLineNothingOfTheSampleIsLeft() throws SQLException {
    List<ServiceModule> withoutTheLine = Modules.ALL;
    assertThatThrownBy(() -> Config.load(Node.settings(withoutTheLine), Optional.empty(), Map.of(),
        Map.of("sample-greeting", "hi"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'sample-greeting'");
    assertThatThrownBy(() -> Node.start(config("sample"), withoutTheLine)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown service 'sample'");

    Node.migrate(StoreTarget.of(config("all")));
    assertThat(tables()).contains("channels", "users").doesNotContain("sample_notes", "schema_history_sample");

    node = Node.start(config("all"), withoutTheLine);
    assertThat(new Http(node.port()).get(SampleModule.PATH).statusCode()).isEqualTo(404);
    String token = Http.provision(node, new Http(node.port()), "ana").getValue().get("ana").token();
    Vertx vertx = Vertx.vertx();
    try {
      RealtimeClient client = RealtimeClient.connect(vertx, node.port(), token);
      client.send(new JsonObject().put("type", SampleModule.ECHO).put("id", "e1").put("text", "anyone?"));
      assertThat(client.answer("e1", "error").getString("code")).isEqualTo("unknown_type");
    } finally {
      vertx.close().await();
    }
    node.stop();
    node = Node.start(config("all"), SampleModule.WITH_SAMPLE);
    assertThat(tables()).as("the same store, with the line").contains("sample_notes", "schema_history_sample");
  }

  private List<String> tables() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ultrachat.db"));
         ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }
}
