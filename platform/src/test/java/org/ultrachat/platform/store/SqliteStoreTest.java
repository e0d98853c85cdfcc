package org.ultrachat.platform.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file, plus what only SQLite must guarantee. */
class SqliteStoreTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  StoreTarget freshTarget() {
    return StoreTarget.sqlite(dir.resolve("data/ultrachat.db"), 4, 5000);
  }

  @Override
  StoreTarget unreachableTarget() {
    // A directory where the database file should be: SQLite cannot open it.
    return StoreTarget.sqlite(dir, 4, 5000);
  }

  @Test
  void connectionsUseWalFullSyncAndABusyTimeout() {
    var row = db.writer().query("PRAGMA journal_mode").execute().await().iterator().next();
    assertThat(row.getString(0)).isEqualToIgnoringCase("wal");
    assertThat(db.reader().query("PRAGMA synchronous").execute().await().iterator().next().getInteger(0))
        .as("synchronous=FULL").isEqualTo(2);
    assertThat(db.reader().query("PRAGMA busy_timeout").execute().await().iterator().next().getInteger(0))
        .isEqualTo(5000);
  }

  @Test
  void readersSeeEveryCommittedWriteAtOnce() {
    db.writer().query("CREATE TABLE probe (n INTEGER PRIMARY KEY)").execute().await();
    for (int i = 1; i <= 20; i++) {
      db.writer().preparedQuery("INSERT INTO probe (n) VALUES (?)").execute(Tuple.of(i)).await();
      long seen = db.reader().query("SELECT COUNT(*) AS n FROM probe").execute().await().iterator().next().getLong("n");
      assertThat(seen).as("rows visible to a reader after write %d", i).isEqualTo(i);
    }
  }

  @Test
  void manyConcurrentWritersAllCommitThroughTheSingleWriterConnection() {
    db.writer().query("CREATE TABLE probe (n INTEGER PRIMARY KEY)").execute().await();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      writes.add(db.writer().withTransaction(conn ->
          conn.preparedQuery("INSERT INTO probe (n) VALUES (?)").execute(Tuple.of(n))));
    }
    Future.all(writes).await();
    long rows = db.reader().query("SELECT COUNT(*) AS n FROM probe").execute().await().iterator().next().getLong("n");
    assertThat(rows).isEqualTo(200);
  }

  @Test
  void aReadThatWaitsTooLongForAConnectionFailsAsBusyNotBroken() {
    // Every reader connection (4) lent out and kept: the next read waits for the pool's
    // connection timeout (10 s) and fails; the edge answers that 503, not 500.
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(db.reader().getConnection().await());
    }
    try {
      Throwable failure = db.reader().query("SELECT 1").execute().<Throwable>transform(done ->
          Future.succeededFuture(done.cause())).await();
      assertThat(failure).isNotNull();
      assertThat(Database.isBusy(failure)).as("%s", failure).isTrue();
      assertThat(Database.isBusy(new IllegalStateException("Timeout waiting for connection"))).isFalse();
    } finally {
      held.forEach(c -> c.close().await());
    }
  }
}
