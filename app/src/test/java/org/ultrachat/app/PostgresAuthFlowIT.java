package org.ultrachat.app;

import java.util.Map;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.testing.TestPostgres;

/** The auth flow on PostgreSQL. */
class PostgresAuthFlowIT extends AuthFlowContract {
  private TestPostgres pg;

  @Override
  Map<Setting, String> storeSettings() {
    pg = TestPostgres.create();
    return Map.of(NodeSettings.DB_URL, pg.url());
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
