package org.ultrachat.app;

import java.sql.Connection;
import java.util.Map;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.testing.TestPostgres;

/** The chat flow on PostgreSQL. */
class PostgresChatFlowIT extends ChatFlowContract {
  private TestPostgres pg;

  @Override
  Map<Setting, String> storeSettings() {
    pg = TestPostgres.create();
    return Map.of(Setting.DB_URL, pg.url());
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
}
