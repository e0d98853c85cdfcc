package org.ultrachat.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ultrachat.platform.http.ProblemException;

/**
 * What {@link GroupCommitWriter} guarantees, on a real store of each dialect. Interleavings are
 * forced with a {@link Gate}: a work item that holds its batch open until the test opens it.
 */
@Timeout(60)
abstract class GroupCommitContract {
  private static final GroupCommitWriter.Options DEFAULTS = GroupCommitWriter.Options.DEFAULTS;

  protected Vertx vertx;
  protected Database db;
  protected MeterRegistry registry;
  private final List<GroupCommitWriter> writers = new ArrayList<>();
  private final List<Gate> gates = new ArrayList<>(); // made on the test thread

  /** @return a fresh, empty store */
  abstract StoreTarget freshTarget();

  /** Called after the pools are closed; drop what {@link #freshTarget()} created. */
  void storeClosed() {
  }

  @BeforeEach
  void openStore() {
    StoreTarget target = freshTarget();
    vertx = Vertx.vertx();
    db = Database.open(vertx, target);
    registry = new SimpleMeterRegistry();
    for (String ddl : List.of(
        "CREATE TABLE probe (n INTEGER PRIMARY KEY, note TEXT)",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
            + " parent_id INTEGER NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TABLE journal (pos INTEGER PRIMARY KEY, item INTEGER NOT NULL)")) {
      db.writer().query(ddl).execute().await();
    }
  }

  @AfterEach
  void closeStore() {
    // A failed assertion may leave a gate shut; open it so that closing cannot wait forever.
    gates.stream().filter(Gate::isShut).forEach(Gate::open);
    for (GroupCommitWriter w : writers) {
      try {
        w.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the writer did not finish its batch in flight", e);
      }
    }
    if (db != null) {
      db.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    storeClosed();
  }

  @Test
  void concurrentSubmitsFromManyEventLoopsAreAllVisibleToAReaderWhenAcked() {
    GroupCommitWriter writer = writer(DEFAULTS);
    List<Context> loops = IntStream.range(0, 4).mapToObj(i -> vertx.getOrCreateContext()).toList();
    List<Future<Long>> seenAtAck = new ArrayList<>();
    List<Boolean> ackedOnSubmitter = Collections.synchronizedList(new ArrayList<>());
    for (int i = 1; i <= 200; i++) {
      int n = i;
      Context loop = loops.get(n % loops.size());
      Promise<Long> seen = Promise.promise();
      loop.runOnContext(v -> writer.submit(insertProbe(n, "concurrent"))
          .compose(acked -> {
            ackedOnSubmitter.add(Vertx.currentContext() == loop);
            return probeRowsAsync("n = " + n);
          })
          .onComplete(seen));
      seenAtAck.add(seen.future());
    }
    Future.all(seenAtAck).await();
    assertThat(seenAtAck).allSatisfy(f -> assertThat(f.result()).as("row visible to a reader at its ack").isEqualTo(1));
    assertThat(ackedOnSubmitter).hasSize(200).containsOnly(true);
    assertThat(probeRows("1 = 1")).isEqualTo(200);
  }

  @Test
  void anItemIsAckedOnlyWhenItsWholeBatchHasCommitted() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    Future<Void> written = writer.submit(insertProbe(1, "early in the batch"));
    Gate later = new Gate();
    Future<String> holding = writer.submit(later.work("held"));
    first.open();
    later.awaitEntered();

    assertThat(written.isComplete()).as("acked while its transaction is still open").isFalse();
    assertThat(probeRows("n = 1")).as("a reader sees the uncommitted row").isZero();

    later.open();
    written.await();
    assertThat(holding.await()).isEqualTo("held");
    assertThat(probeRows("n = 1")).isEqualTo(1);
  }

  @Test
  void workQueuedDuringACommitGoesIntoOneNextBatch() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    List<Future<Void>> queued = new ArrayList<>();
    for (int n = 1; n <= 100; n++) {
      queued.add(writer.submit(insertProbe(n, "queued")));
    }
    assertThat(gauge("ultrachat.store.group.commit.queue")).isEqualTo(100);

    first.open();
    Future.all(queued).await();

    DistributionSummary batches = registry.get("ultrachat.store.group.commit.batch.size").tag("writer", "test").summary();
    assertThat(batches.count()).as("the paused batch and one more").isEqualTo(2);
    assertThat(batches.max()).isEqualTo(100);
    assertThat(batches.totalAmount()).isEqualTo(101);
    assertThat(registry.get("ultrachat.store.group.commit.duration").tag("writer", "test").timer().count()).isEqualTo(2);
    assertThat(gauge("ultrachat.store.group.commit.queue")).isZero();
    assertThat(probeRows("1 = 1")).isEqualTo(100);
  }

  @Test
  void aBatchHoldsAtMostMaxBatchSizeItems() {
    GroupCommitWriter writer = writer(new GroupCommitWriter.Options(10, 10_000, Duration.ZERO));
    Gate first = pause(writer);
    List<Future<Void>> queued = new ArrayList<>();
    for (int n = 1; n <= 25; n++) {
      queued.add(writer.submit(insertProbe(n, "queued")));
    }
    first.open();
    Future.all(queued).await();

    DistributionSummary batches = registry.get("ultrachat.store.group.commit.batch.size").tag("writer", "test").summary();
    assertThat(batches.count()).as("1 + 10 + 10 + 5").isEqualTo(4);
    assertThat(batches.max()).isEqualTo(10);
    assertThat(probeRows("1 = 1")).isEqualTo(25);
  }

  @Test
  void itemsOfABatchRunInSubmissionOrder() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    List<Future<Void>> queued = new ArrayList<>();
    for (int item = 0; item < 50; item++) {
      int i = item;
      queued.add(writer.submit(conn -> SqlTemplate.forUpdate(conn,
              "INSERT INTO journal (pos, item) SELECT COALESCE(MAX(pos), 0) + 1, #{item} FROM journal")
          .execute(Map.of("item", i)).mapEmpty()));
    }
    first.open();
    Future.all(queued).await();

    List<Integer> order = new ArrayList<>();
    db.reader().query("SELECT item FROM journal ORDER BY pos").execute().await().forEach(r -> order.add(r.getInteger(0)));
    assertThat(order).isEqualTo(IntStream.range(0, 50).boxed().toList());
    assertThat(registry.get("ultrachat.store.group.commit.batch.size").tag("writer", "test").summary().count())
        .as("all 50 in one batch").isEqualTo(2);
  }

  @Test
  void aFailingItemIsRolledBackAloneAndTheRestOfItsBatchCommits() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    Future<Void> before = writer.submit(insertProbe(1, "before"));
    Future<Void> duplicate = writer.submit(conn -> insertProbe(2, "partial").apply(conn)
        .compose(v -> insertProbe(1, "duplicate").apply(conn)));
    Future<Void> throwing = writer.submit(conn -> {
      throw new IllegalStateException("thrown by the work itself");
    });
    Future<Void> noFuture = writer.submit(conn -> null);
    Future<Void> after = writer.submit(insertProbe(3, "after"));
    first.open();
    Future.join(List.of(before, duplicate, throwing, noFuture, after)).transform(done -> Future.succeededFuture()).await();

    assertThat(before.cause()).as("the item before the failures").isNull();
    assertThat(after.cause()).as("the item after the failures").isNull();
    assertThat(Database.isUniqueViolation(duplicate.cause())).as("fails with its own failure: %s", duplicate.cause()).isTrue();
    assertThat(throwing.cause()).isInstanceOf(IllegalStateException.class).hasMessage("thrown by the work itself");
    assertThat(noFuture.cause()).isInstanceOf(NullPointerException.class);
    assertThat(probeRows("1 = 1")).as("rows 1 and 3; row 2 rolled back with its item").isEqualTo(2);
    assertThat(probeRows("n = 2")).isZero();
    assertThat(probeRows("n = 1 AND note = 'before'")).isEqualTo(1);
    assertThat(registry.get("ultrachat.store.group.commit.batch.size").tag("writer", "test").summary().count())
        .as("all five in one batch").isEqualTo(2);
  }

  @Test
  void anItemThatCarriesOnAfterAFailedStatementNeverBreaksTheBatch() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    Future<Void> before = writer.submit(insertProbe(1, "before"));
    Future<Void> carriesOn = writer.submit(conn -> insertProbe(2, "kept?").apply(conn)
        .compose(v -> insertProbe(1, "duplicate").apply(conn).recover(e -> Future.succeededFuture())));
    Future<Void> after = writer.submit(insertProbe(3, "after"));
    first.open();
    Future.join(List.of(before, carriesOn, after)).transform(done -> Future.succeededFuture()).await();

    assertThat(before.cause()).isNull();
    assertThat(after.cause()).isNull();
    if (db.dialect() == Dialect.POSTGRESQL) {
      // The failed statement aborted the transaction; only rolling the item back repairs it.
      assertThat(carriesOn.failed()).isTrue();
      assertThat(probeRows("n = 2")).isZero();
    } else {
      // SQLite fails the statement alone; the item's other write stands.
      assertThat(carriesOn.succeeded()).isTrue();
      assertThat(probeRows("n = 2")).isEqualTo(1);
    }
    assertThat(probeRows("n IN (1, 3)")).isEqualTo(2);
  }

  @Test
  void aFullQueueAnswersUnavailableAtOnceAndWritesNothing() {
    GroupCommitWriter writer = writer(new GroupCommitWriter.Options(256, 3, Duration.ZERO));
    Gate first = pause(writer);
    List<Future<Void>> queued = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      queued.add(writer.submit(insertProbe(n, "queued")));
    }
    AtomicBoolean ran = new AtomicBoolean();
    Future<Void> refused = writer.submit(conn -> {
      ran.set(true);
      return insertProbe(4, "refused").apply(conn);
    });

    assertThat(refused.failed()).as("refused without waiting").isTrue();
    assertThat(refused.cause()).isInstanceOfSatisfying(ProblemException.Unavailable.class,
        e -> assertThat(e.status()).isEqualTo(503));
    assertThat(registry.get("ultrachat.store.group.commit.rejected").tag("writer", "test").counter().count()).isEqualTo(1);

    first.open();
    Future.all(queued).await();
    assertThat(ran).isFalse();
    assertThat(probeRows("n = 4")).isZero();
    writer.submit(insertProbe(5, "room again")).await();
    assertThat(probeRows("1 = 1")).isEqualTo(4);
  }

  @Test
  void aFailedCommitFailsEveryItemOfTheBatchAndKeepsNone() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    Future<Void> before = writer.submit(insertProbe(1, "before"));
    // The foreign key is checked only at COMMIT, so the item itself succeeds and the commit fails.
    Future<Void> orphan = writer.submit(conn -> conn.query("INSERT INTO child (id, parent_id) VALUES (1, 99)").execute().mapEmpty());
    Future<Void> after = writer.submit(insertProbe(2, "after"));
    first.open();
    Future.join(List.of(before, orphan, after)).transform(done -> Future.succeededFuture()).await();

    assertThat(List.of(before, orphan, after)).allSatisfy(f -> assertThat(f.failed()).as("acked though not committed").isTrue());
    assertThat(probeRows("1 = 1")).isZero();
    assertThat(db.reader().query("SELECT COUNT(*) FROM child").execute().await().iterator().next().getLong(0)).isZero();

    writer.submit(insertProbe(3, "next batch")).await();
    assertThat(probeRows("1 = 1")).as("the writer commits again after a failed commit").isEqualTo(1);
  }

  @Test
  void aPartialBatchWaitsUpToMaxWaitForMoreWork() {
    Context home = vertx.getOrCreateContext();
    GroupCommitWriter writer = onContext(home, () -> writer(new GroupCommitWriter.Options(3, 10_000, Duration.ofHours(1))));
    Future<Void> one = writer.submit(insertProbe(1, "waits"));
    onContext(home, () -> null); // the writer has seen the item and decided
    assertThat(gauge("ultrachat.store.group.commit.queue")).as("held back, not flushed").isEqualTo(1);

    Future<Void> two = writer.submit(insertProbe(2, "waits"));
    Future<Void> three = writer.submit(insertProbe(3, "fills the batch"));
    Future.all(one, two, three).await();
    DistributionSummary batches = registry.get("ultrachat.store.group.commit.batch.size").tag("writer", "test").summary();
    assertThat(batches.count()).isEqualTo(1);
    assertThat(batches.max()).isEqualTo(3);
  }

  @Test
  void aPartialBatchIsFlushedWhenMaxWaitEnds() {
    GroupCommitWriter writer = writer(new GroupCommitWriter.Options(256, 10_000, Duration.ofMillis(1)));
    writer.submit(insertProbe(1, "alone")).await();
    assertThat(probeRows("n = 1")).isEqualTo(1);
  }

  @Test
  void closeRefusesNewWorkFailsQueuedWorkAndLetsTheBatchInFlightFinish() {
    GroupCommitWriter writer = writer(DEFAULTS);
    Gate first = pause(writer);
    Future<Void> queued = writer.submit(insertProbe(1, "queued at close"));
    Future<Void> closed = writer.close();
    Future<Void> late = writer.submit(insertProbe(2, "after close"));

    assertThat(late.cause()).isInstanceOf(ProblemException.Unavailable.class);
    assertThatThrownBy(queued::await).isInstanceOf(ProblemException.Unavailable.class);
    assertThat(closed.isComplete()).as("closed while a batch is in flight").isFalse();

    first.open();
    closed.await();
    assertThat(first.done.await()).isEqualTo("gate");
    assertThat(probeRows("1 = 1")).isZero();
  }

  private GroupCommitWriter writer(GroupCommitWriter.Options options) {
    GroupCommitWriter writer = new GroupCommitWriter(vertx, db, options);
    writer.bindMetrics(registry, "test");
    writers.add(writer);
    return writer;
  }

  /** Submits a work item that holds its batch open; returns once that batch is running. */
  private Gate pause(GroupCommitWriter writer) {
    Gate gate = new Gate();
    gate.done = writer.submit(gate.work("gate"));
    gate.awaitEntered();
    return gate;
  }

  private static Function<SqlConnection, Future<Void>> insertProbe(int n, String note) {
    return conn -> SqlTemplate.forUpdate(conn, "INSERT INTO probe (n, note) VALUES (#{n}, #{note})")
        .execute(Map.of("n", n, "note", note)).mapEmpty();
  }

  /** Counts committed probe rows, on a reader connection. */
  private long probeRows(String where) {
    return probeRowsAsync(where).await();
  }

  private Future<Long> probeRowsAsync(String where) {
    return db.reader().query("SELECT COUNT(*) FROM probe WHERE " + where).execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private double gauge(String name) {
    return registry.get(name).tag("writer", "test").gauge().value();
  }

  private static <T> T onContext(Context context, Supplier<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(action.get()));
    return done.future().await();
  }

  /** A work item that signals when it runs and completes only when the test opens it. */
  final class Gate {
    private final Promise<Void> entered = Promise.promise();
    private final Promise<Void> opened = Promise.promise();
    private volatile Context where;
    Future<String> done;

    Gate() {
      gates.add(this);
    }

    boolean isShut() {
      return where != null && !opened.future().isComplete();
    }

    <T> Function<SqlConnection, Future<T>> work(T result) {
      return conn -> {
        where = Vertx.currentContext();
        entered.complete();
        return opened.future().map(result);
      };
    }

    void awaitEntered() {
      entered.future().await();
    }

    /** Lets the held work finish, on the writer's context (where its connection lives). */
    void open() {
      where.runOnContext(v -> opened.complete());
    }
  }
}
