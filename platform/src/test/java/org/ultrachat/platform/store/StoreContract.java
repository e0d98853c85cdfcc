package org.ultrachat.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store dialect must do. Subclasses supply a real store: the embedded SQLite file
 * or a PostgreSQL database. The same tests run on both.
 */
abstract class StoreContract {
  protected Vertx vertx;
  protected StoreTarget target;
  protected Database db;

  /** @return a fresh, empty store */
  abstract StoreTarget freshTarget();

  /** @return a target whose store cannot be reached */
  abstract StoreTarget unreachableTarget();

  @BeforeEach
  void openStore() {
    target = freshTarget(); // skips (or fails under CI) before anything opens when the store is down
    vertx = Vertx.vertx();
    Migrations.apply(target, "platform");
    db = Database.open(vertx, target);
  }

  @AfterEach
  void closeStore() {
    if (db != null) {
      db.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    storeClosed();
  }

  /** Called after the pools are closed; drop what {@link #freshTarget()} created. */
  void storeClosed() {
  }

  @Test
  void migrationsApplyOnceAndThenFindNothingToDo() {
    assertThat(Migrations.apply(target, "platform")).isZero();
    long rows = db.reader().query("SELECT COUNT(*) AS n FROM installation").execute().await()
        .iterator().next().getLong("n");
    assertThat(rows).isZero();
  }

  @Test
  void installationIsOneRowForConcurrentStarters() {
    List<Future<Installation.Info>> starts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      starts.add(new Installation(db).ensure());
    }
    Future.all(starts).await();
    Set<String> ids = starts.stream().map(f -> f.result().id()).collect(Collectors.toSet());
    assertThat(ids).hasSize(1);
    long rows = db.reader().query("SELECT COUNT(*) AS n FROM installation").execute().await()
        .iterator().next().getLong("n");
    assertThat(rows).isEqualTo(1);
  }

  @Test
  void failedTransactionLeavesNothingBehind() {
    Future<Object> failed = db.writer().withTransaction(conn -> conn
        .preparedQuery(insertInstallation())
        .execute(Tuple.of(1, "half-written", 1L))
        .compose(done -> Future.failedFuture(new IllegalStateException("second statement failed"))));
    assertThatThrownBy(failed::await).hasMessageContaining("second statement failed");
    long rows = db.reader().query("SELECT COUNT(*) AS n FROM installation").execute().await()
        .iterator().next().getLong("n");
    assertThat(rows).isZero();
  }

  @Test
  void aPlainWriteAfterATransactionIsCommittedAndVisibleToReaders() {
    db.writer().withTransaction(conn -> conn.preparedQuery(insertInstallation()).execute(Tuple.of(1, "in-tx", 1L)))
        .await();
    db.writer().query("DELETE FROM installation").execute().await();
    long rows = db.reader().query("SELECT COUNT(*) AS n FROM installation").execute().await()
        .iterator().next().getLong("n");
    assertThat(rows).as("the delete outside the transaction is visible to another connection").isZero();
  }

  @Test
  void aFailedCommitKeepsNothingAndTheNextWriteCommits() {
    db.writer().query("CREATE TABLE parent (id INTEGER PRIMARY KEY)").execute().await();
    db.writer().query("CREATE TABLE child (id INTEGER PRIMARY KEY,"
        + " parent_id INTEGER NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)").execute().await();
    // The foreign key is checked at COMMIT: the statements succeed and the commit fails.
    Future<?> failed = db.writer().withTransaction(conn -> conn
        .query("INSERT INTO parent (id) VALUES (1)").execute()
        .compose(done -> conn.query("INSERT INTO child (id, parent_id) VALUES (1, 99)").execute()));
    assertThatThrownBy(failed::await).isNotNull();
    assertThat(db.reader().query("SELECT COUNT(*) FROM parent").execute().await().iterator().next().getLong(0))
        .as("rows of the failed transaction").isZero();

    db.writer().withTransaction(conn -> conn.query("INSERT INTO parent (id) VALUES (2)").execute()).await();
    db.writer().query("INSERT INTO parent (id) VALUES (3)").execute().await();
    assertThat(db.reader().query("SELECT COUNT(*) FROM parent").execute().await().iterator().next().getLong(0))
        .as("later writes, in and out of a transaction, are committed and visible").isEqualTo(2);
  }

  @Test
  void pingSucceedsOnAReachableStore() {
    db.ping(Duration.ofSeconds(5)).await();
  }

  @Test
  void pingFailsWhenTheStoreIsUnreachable() {
    Database unreachable = Database.open(vertx, unreachableTarget());
    try {
      assertThatThrownBy(() -> unreachable.ping(Duration.ofSeconds(5)).await()).isNotNull();
    } finally {
      unreachable.close().await();
    }
  }

  @Test
  void poolStatusIsPublished() {
    MeterRegistry registry = new SimpleMeterRegistry();
    db.bindMetrics(registry);
    db.reader().query("SELECT 1").execute().await();
    double max = registry.get("ultrachat.store.pool.max").tag("pool", Database.WRITER_POOL).gauge().value();
    assertThat(max).isEqualTo(db.dialect() == Dialect.SQLITE ? 1 : target.poolSize());
    String readPool = db.dialect() == Dialect.SQLITE ? Database.READER_POOL : Database.WRITER_POOL;
    assertThat(registry.get("ultrachat.store.pool.size").tag("pool", readPool).gauge().value())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("ultrachat.store.pool.idle").tag("pool", readPool).gauge().value())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("ultrachat.store.pool.in.use").tag("pool", readPool).gauge().value()).isZero();
    assertThat(registry.get("ultrachat.store.pool.waiting").tag("pool", readPool).gauge().value()).isZero();
  }

  /** The installation insert in the dialect's placeholder syntax. */
  private String insertInstallation() {
    return db.dialect() == Dialect.POSTGRESQL
        ? "INSERT INTO installation (singleton, id, created_at) VALUES ($1, $2, $3)"
        : "INSERT INTO installation (singleton, id, created_at) VALUES (?, ?, ?)";
  }
}
