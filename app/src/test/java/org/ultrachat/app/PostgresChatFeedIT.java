package org.ultrachat.app;

import java.util.Map;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.testing.TestPostgres;

/**
 * Chat's durable feed on PostgreSQL, where four group-commit writers commit side by side
 * ({@link RemoteChatSeamIT} reads it on a node without chat).
 */
class PostgresChatFeedIT extends ChatFeedContract {
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
