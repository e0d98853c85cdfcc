package org.ultrachat.platform.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Small durable inserts into a scratch table of an SQLite store opened as the product opens it
 * ({@link Database#open}: WAL, synchronous=FULL, one writer connection): {@value #SUBMITTERS}
 * writes submitted at once per invocation, all awaited. Scores are writes per second.
 *
 * <ul>
 *   <li>{@code groupCommit}: through a {@link GroupCommitWriter} with the product defaults;
 *   <li>{@code groupCommitBatchOf1}: the same writer, one item per transaction (the batching alone);
 *   <li>{@code transactionPerWrite}: {@code Pool.withTransaction} per write on the writer pool;
 *   <li>{@code groupCommitEmptyItems}: group commit of items that write nothing: the writer's own
 *       per-item cost (a savepoint and its release) and the commit, without the insert.
 * </ul>
 *
 * <p>At the end of a trial it prints the mean batch size of each group-commit writer.
 *
 * <p>The store is a fresh file under {@code java.io.tmpdir} (or {@code -Dultrachat.bench.dir}),
 * which must be a real disk: on tmpfs an fsync costs nothing and the comparison means nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GroupCommitBenchmark {
  static final int SUBMITTERS = 64;
  private static final String INSERT = "INSERT INTO bench_scratch (submitter, body) VALUES (?, ?)";
  private static final String BODY = "a small row, about the size of a read marker or a reaction";

  Path dir;
  Vertx vertx;
  Database db;
  GroupCommitWriter writer;
  GroupCommitWriter writerBatchOf1;
  SimpleMeterRegistry registry;
  long written;

  @Setup(Level.Trial)
  public void open() throws IOException {
    Path base = Path.of(System.getProperty("ultrachat.bench.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "ultrachat-jmh-");
    vertx = Vertx.vertx();
    db = Database.open(vertx, StoreTarget.sqlite(dir.resolve("data/ultrachat.db"), 4, 5000));
    db.writer().query("CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, submitter INTEGER NOT NULL, body TEXT)")
        .execute().await();
    String sync = db.writer().query("PRAGMA synchronous").execute().await().iterator().next().getValue(0).toString();
    String journal = db.writer().query("PRAGMA journal_mode").execute().await().iterator().next().getString(0);
    if (!sync.equals("2") || !journal.equalsIgnoreCase("wal")) {
      throw new IllegalStateException("not the product's durability: synchronous=" + sync + " journal=" + journal);
    }
    writer = new GroupCommitWriter(vertx, db, GroupCommitWriter.Options.DEFAULTS);
    writerBatchOf1 = new GroupCommitWriter(vertx, db, new GroupCommitWriter.Options(1, 10_000, Duration.ZERO));
    registry = new SimpleMeterRegistry();
    writer.bindMetrics(registry, "defaults");
    writerBatchOf1.bindMetrics(registry, "batch-of-1");
    written = 0;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    try {
      long rows = db.reader().query("SELECT count(*) FROM bench_scratch").execute().await().iterator().next()
          .getLong(0);
      for (String name : List.of("defaults", "batch-of-1")) {
        DistributionSummary batches = registry.get("ultrachat.store.group.commit.batch.size").tag("writer", name)
            .summary();
        if (batches.count() > 0) {
          System.out.printf("%n[%s] %d batches, mean %.1f items, max %.0f%n", name, batches.count(), batches.mean(),
              batches.max());
        }
      }
      if (rows != written) {
        throw new IllegalStateException(rows + " rows stored of " + written + " acked");
      }
      Future.join(writer.close(), writerBatchOf1.close()).await(30, TimeUnit.SECONDS);
      db.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the store did not close", e);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Future<Void> insert(SqlConnection conn, int submitter) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(submitter, BODY)).mapEmpty();
  }

  private void awaitAll(List<Future<Void>> acks) {
    Future.all(acks).await();
    written += acks.size();
  }

  @Benchmark
  @OperationsPerInvocation(SUBMITTERS)
  public void groupCommit() {
    List<Future<Void>> acks = new ArrayList<>(SUBMITTERS);
    for (int i = 0; i < SUBMITTERS; i++) {
      int submitter = i;
      acks.add(writer.submit(conn -> insert(conn, submitter)));
    }
    awaitAll(acks);
  }

  @Benchmark
  @OperationsPerInvocation(SUBMITTERS)
  public void groupCommitBatchOf1() {
    List<Future<Void>> acks = new ArrayList<>(SUBMITTERS);
    for (int i = 0; i < SUBMITTERS; i++) {
      int submitter = i;
      acks.add(writerBatchOf1.submit(conn -> insert(conn, submitter)));
    }
    awaitAll(acks);
  }

  @Benchmark
  @OperationsPerInvocation(SUBMITTERS)
  public void groupCommitEmptyItems() {
    List<Future<Void>> acks = new ArrayList<>(SUBMITTERS);
    for (int i = 0; i < SUBMITTERS; i++) {
      acks.add(writer.submit(conn -> Future.succeededFuture()));
    }
    Future.all(acks).await();
  }

  @Benchmark
  @OperationsPerInvocation(SUBMITTERS)
  public void transactionPerWrite() {
    List<Future<Void>> acks = new ArrayList<>(SUBMITTERS);
    for (int i = 0; i < SUBMITTERS; i++) {
      int submitter = i;
      acks.add(db.writer().withTransaction(conn -> insert(conn, submitter)));
    }
    awaitAll(acks);
  }
}
