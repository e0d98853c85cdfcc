package org.ultrachat.platform.crypto;

import java.util.Map;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.store.StoreTarget;
import org.ultrachat.platform.testing.TestPostgres;

/** The data-protection contract on a real PostgreSQL database (created per test, dropped after). */
class PostgresDataProtectionIT extends DataProtectionContract {
  private TestPostgres pg;

  @Override
  StoreTarget freshTarget() {
    pg = TestPostgres.create();
    return StoreTarget.of(Config.defaults().with(Map.of(NodeSettings.DB_URL, pg.url())));
  }

  @Override
  void storeClosed() {
    if (pg != null) {
      pg.close();
    }
  }
}
