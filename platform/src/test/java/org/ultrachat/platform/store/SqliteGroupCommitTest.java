package org.ultrachat.platform.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit contract on the embedded SQLite file. */
class SqliteGroupCommitTest extends GroupCommitContract {
  @TempDir
  Path dir;

  @Override
  StoreTarget freshTarget() {
    return StoreTarget.sqlite(dir.resolve("data/ultrachat.db"), 4, 5000);
  }
}
