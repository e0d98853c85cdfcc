package org.ultrachat.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.ultrachat.platform.config.Setting;

/** The chat flow on the embedded store. */
class ChatFlowIT extends ChatFlowContract {
  @Override
  Map<Setting, String> storeSettings() {
    return Map.of();
  }

  @Override
  Connection store() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/ultrachat.db"));
  }
}
