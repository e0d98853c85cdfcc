package org.ultrachat.platform.store;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit contract on the embedded SQLite file. */
class SqliteGroupCommitTest extends GroupCommitContract {
  @TempDir
  Path dir;

  @Override
  StoreTarget freshTarget() {
    return new StoreTarget(Dialect.SQLITE, Optional.of(dir.resolve("data/ultrachat.db")), Optional.empty(), 4, 5000);
  }
}
