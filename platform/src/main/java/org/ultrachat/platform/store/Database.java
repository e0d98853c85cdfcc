package org.ultrachat.platform.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The store's connection pools. Stores write through {@link #writer()} and read through
 * {@link #reader()}; with SQLite the writer is a single connection (SQLite allows one writer at a
 * time, so queueing in the pool beats lock contention in the engine), with PostgreSQL both are
 * the same pool until a read replica is configured. Every store uses the same code path, the
 * Vert.x SQL client API; only the dialect of some SQL differs.
 */
public final class Database {
  /** Pool names as they appear in metrics ({@code pool_name} label). */
  public static final String WRITER_POOL = "store-writer";
  public static final String READER_POOL = "store-reader";
  public static final String REPLICA_POOL = "store-replica";

  private final StoreTarget target;
  private final Pool writer;
  private final Pool reader;
  private final Optional<Pool> replica;

  private Database(StoreTarget target, Pool writer, Pool reader, Optional<Pool> replica) {
    this.target = target;
    this.writer = writer;
    this.reader = reader;
    this.replica = replica;
  }

  /**
   * Opens the pools, with a read replica (PostgreSQL only) for {@link #lagTolerantReader()}.
   *
   * @param replicaUri a {@code postgresql://} URI, or empty for none
   */
  public static Database open(Vertx vertx, StoreTarget target, Optional<String> replicaUri) {
    Database primary = open(vertx, target);
    if (replicaUri.isEmpty()) {
      return primary;
    }
    if (target.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("a read replica needs PostgreSQL");
    }
    Pool replica = PgBuilder.pool()
        .with(poolOptions(REPLICA_POOL, target.poolSize()))
        .connectingTo(PgConnectOptions.fromUri(replicaUri.get().replaceFirst("^postgres://", "postgresql://"))
            .setMetricsName(REPLICA_POOL).setCachePreparedStatements(true))
        .using(vertx)
        .build();
    return new Database(target, primary.writer, primary.reader, Optional.of(replica));
  }

  /**
   * Opens the pools; connections are made lazily, so this succeeds while the store is down
   * (readiness reports it).
   */
  public static Database open(Vertx vertx, StoreTarget target) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(target, "target");
    if (target.dialect() == Dialect.SQLITE) {
      target.createDirectories();
      SqliteConnections connections = new SqliteConnections(target.sqliteFile().orElseThrow(), target.busyTimeoutMs());
      Pool writer = JDBCPool.pool(vertx, connections, poolOptions(WRITER_POOL, 1));
      Pool reader = JDBCPool.pool(vertx, connections, poolOptions(READER_POOL, target.poolSize()));
      return new Database(target, writer, reader, Optional.empty());
    }
    Pool pool = PgBuilder.pool()
        .with(poolOptions(WRITER_POOL, target.poolSize()))
        // Each statement is parsed once per connection and then reused, instead of being parsed and
        // planned again on every execution (the client's default); every store statement takes
        // parameters, so the cache holds a bounded set of texts.
        .connectingTo(new PgConnectOptions(target.postgres().orElseThrow()).setMetricsName(WRITER_POOL)
            .setCachePreparedStatements(true))
        .using(vertx)
        .build();
    return new Database(target, pool, pool, Optional.empty());
  }

  private static PoolOptions poolOptions(String name, int size) {
    return new PoolOptions().setName(name).setShared(false).setMaxSize(size)
        // A request that waits this long for a connection fails instead of piling up.
        .setConnectionTimeout(10).setConnectionTimeoutUnit(TimeUnit.SECONDS)
        .setMaxWaitQueueSize(10_000);
  }

  /** @return the pool for statements that write; wrap multi-statement changes in a transaction */
  public Pool writer() {
    return writer;
  }

  /** @return the pool for reads */
  public Pool reader() {
    return reader;
  }

  /**
   * @return the pool for reads that tolerate some lag (history, threads, search): the read
   *     replica when one is configured, else {@link #reader()}. Never for access decisions.
   */
  public Pool lagTolerantReader() {
    return replica.orElse(reader);
  }

  /** @return whether a read replica is configured */
  public boolean hasReplica() {
    return replica.isPresent();
  }

  /** Checks that the read replica answers (succeeds at once when there is none). */
  public Future<Void> pingReplica(Duration timeout) {
    return replica.map(r -> r.query("SELECT 1").execute()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty())
        .orElse(Future.succeededFuture());
  }

  public Dialect dialect() {
    return target.dialect();
  }

  public StoreTarget target() {
    return target;
  }

  /**
   * Checks that the store answers a trivial query in time.
   *
   * @return a future failed when the store is unreachable or slower than {@code timeout}
   */
  public Future<Void> ping(Duration timeout) {
    return reader.query("SELECT 1").execute()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /**
   * Publishes each pool's status: {@code ultrachat_store_pool_max} and
   * {@code ultrachat_store_pool_size} (open connections), {@code ultrachat_store_pool_in_use},
   * {@code ultrachat_store_pool_idle} and {@code ultrachat_store_pool_waiting} (requests queued
   * for a connection), labelled {@code pool}. In-use and waiting come from the Vert.x pool
   * metrics ({@code vertx_pool_in_use}, {@code vertx_pool_queue_pending}), which Vert.x records
   * when it reports into the same registry.
   */
  public void bindMetrics(MeterRegistry registry) {
    bindPool(registry, WRITER_POOL, writer, writer == reader ? target.poolSize() : 1);
    if (reader != writer) {
      bindPool(registry, READER_POOL, reader, target.poolSize());
    }
    replica.ifPresent(r -> bindPool(registry, REPLICA_POOL, r, target.poolSize()));
  }

  private static void bindPool(MeterRegistry registry, String name, Pool pool, int max) {
    ToDoubleFunction<Pool> inUse = p -> vertxGauge(registry, "vertx.pool.in.use", name);
    Gauge.builder("ultrachat.store.pool.max", pool, p -> max).tag("pool", name)
        .description("Most connections the pool may open").register(registry);
    Gauge.builder("ultrachat.store.pool.size", pool, Pool::size).tag("pool", name)
        .description("Connections the pool holds open").register(registry);
    Gauge.builder("ultrachat.store.pool.in.use", pool, inUse).tag("pool", name)
        .description("Connections lent out right now").register(registry);
    Gauge.builder("ultrachat.store.pool.idle", pool, p -> Math.max(0, p.size() - inUse.applyAsDouble(p)))
        .tag("pool", name).description("Open connections waiting to be lent").register(registry);
    Gauge.builder("ultrachat.store.pool.waiting", pool, p -> vertxGauge(registry, "vertx.pool.queue.pending", name))
        .tag("pool", name).description("Requests queued for a connection").register(registry);
  }

  private static double vertxGauge(MeterRegistry registry, String meter, String poolName) {
    Gauge g = registry.find(meter).tags("pool_type", "sql", "pool_name", poolName).gauge();
    return g == null ? 0 : g.value();
  }

  /**
   * @return whether a failure means the store's pool is overloaded, not broken: more requests
   *     waiting than it queues, or one that waited {@code connectionTimeout} for a connection.
   *     Callers answer 503 (retry later), not 500. The Vert.x pool fails the wait with a plain
   *     {@code VertxException} whose message is the only mark of it.
   */
  public static boolean isBusy(Throwable failure) {
    return failure instanceof ConnectionPoolTooBusyException
        || failure instanceof VertxException e && "Timeout waiting for connection".equals(e.getMessage());
  }

  /**
   * @return whether a failure means the store cannot serve now, so the caller should answer 503
   *     and may retry: the pool is too busy ({@link #isBusy}), or the database cannot be reached
   *     (refused or timed-out connects, a connection that closed under the request)
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isBusy(t) || t instanceof ConnectException || t instanceof ConnectTimeoutException
          || t instanceof ClosedConnectionException
          || t instanceof ClosedChannelException
          || t instanceof SocketException) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return whether a failure is a unique-constraint violation, on either engine (PostgreSQL
   *     SQLSTATE 23505, SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY)
   */
  public static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("SQLITE_CONSTRAINT_UNIQUE") || message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
        return true;
      }
    }
    return false;
  }

  /** Closes the pools. */
  public Future<Void> close() {
    Future<Void> replicaClosed = replica.map(Pool::close).orElse(Future.succeededFuture());
    Future<Void> primaryClosed = writer == reader ? writer.close() : Future.join(writer.close(), reader.close()).mapEmpty();
    return Future.join(primaryClosed, replicaClosed).mapEmpty();
  }
}
