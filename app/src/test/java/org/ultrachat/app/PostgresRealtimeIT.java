package org.ultrachat.app;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.testing.TestPostgres;

/** The real-time gateway on PostgreSQL, through the test kit (a database per test). */
class PostgresRealtimeIT extends RealtimeContract {
  private TestPostgres pg;

  @Override
  Map<Setting, String> storeSettings() {
    pg = TestPostgres.create();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Map.of(NodeSettings.DB_URL, pg.url(), NodeSettings.MASTER_KEY, Base64.getEncoder().encodeToString(key));
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
