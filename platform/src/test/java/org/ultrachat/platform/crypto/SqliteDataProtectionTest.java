package org.ultrachat.platform.crypto;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.store.StoreTarget;

/** The data-protection contract on the embedded SQLite file. */
class SqliteDataProtectionTest extends DataProtectionContract {
  @TempDir
  Path dir;

  @Override
  StoreTarget freshTarget() {
    return StoreTarget.of(Config.defaults().with(Map.of(NodeSettings.DATA_DIR, dir.toString())));
  }
}
