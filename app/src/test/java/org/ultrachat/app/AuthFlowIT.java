package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ultrachat.auth.AuthSettings;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;

/** The auth flow on the embedded store, plus what needs a restart on the same data directory. */
class AuthFlowIT extends AuthFlowContract {
  @Override
  Map<Setting, String> storeSettings() {
    return Map.of();
  }

  @Test
  void passwordHashIsUpgradedAtLoginWhenCostsRise() throws Exception {
    register("lee");
    assertThat(storedHash("lee")).contains("m=19456,t=2,p=1");
    node.stop();
    node = Node.start(Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("data").toString(), AuthSettings.PASSWORD_HASH_MEMORY_KIB, "32768",
        AuthSettings.PASSWORD_HASH_ITERATIONS, "3")));
    http = new Http(node.port());
    login("lee", PASSWORD);
    assertThat(storedHash("lee")).startsWith("$argon2id$v=19$m=32768,t=3,p=1$");
    login("lee", PASSWORD);
  }

  private String storedHash(String username) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/ultrachat.db"));
         ResultSet rs = c.createStatement().executeQuery("SELECT password_hash FROM users WHERE username = '" + username + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
