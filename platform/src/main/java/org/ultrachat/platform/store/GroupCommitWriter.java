package org.ultrachat.platform.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.ultrachat.platform.http.ProblemException;

/**
 * Runs many small writes in one transaction of the {@linkplain Database#writer() writer pool}:
 * work submitted while a transaction commits waits and goes into the next one. A submitted item
 * completes only after the transaction that holds it has committed (acked means durable). Each
 * item runs inside a savepoint, so an item that fails is rolled back alone and the rest of its
 * batch commits; a failed commit fails every item of the batch. Items of a batch run one after
 * another, in submission order, on one connection; one batch is in flight at a time.
 *
 * <p>The queue is bounded: a submit that finds it full fails at once with
 * {@link ProblemException.Unavailable} (503) rather than growing a backlog.
 *
 * <p>On PostgreSQL a failed statement aborts the transaction until the item's savepoint is rolled
 * back, so an item whose statement fails fails as a whole, even when its work recovers from the
 * failure (use {@code ON CONFLICT} instead); on SQLite only the statement fails.
 */
public final class GroupCommitWriter {
  private static final String SAVEPOINT = "SAVEPOINT group_commit_item";
  private static final String RELEASE = "RELEASE SAVEPOINT group_commit_item";
  private static final String ROLLBACK_TO = "ROLLBACK TO SAVEPOINT group_commit_item";

  /**
   * How the writer batches.
   *
   * @param maxBatchSize   most items in one transaction
   * @param maxQueueLength most items waiting for a transaction; more are refused with 503
   * @param maxWait        how long a partial batch may wait for more items before it is flushed;
   *                       zero flushes as soon as the previous commit has finished
   */
  public record Options(int maxBatchSize, int maxQueueLength, Duration maxWait) {
    /** 256 items a batch, 10,000 queued, no waiting beyond the commit in flight. */
    public static final Options DEFAULTS = new Options(256, 10_000, Duration.ZERO);

    public Options {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("max batch size must be at least 1: " + maxBatchSize);
      }
      if (maxQueueLength < 1) {
        throw new IllegalArgumentException("max queue length must be at least 1: " + maxQueueLength);
      }
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("max wait must not be negative: " + maxWait);
      }
    }
  }

  private record Meters(DistributionSummary batchSize, Timer commit, Counter rejected) {
  }

  private final Database db;
  private final String begin;
  private final Options options;
  private final Context context;

  // Transactions are BEGIN/COMMIT statements on a connection of the writer pool, not the client's
  // Transaction API (Pool.withTransaction): on PostgreSQL that API marks the transaction failed
  // at the first failed statement and turns the COMMIT into a ROLLBACK, even after ROLLBACK TO
  // SAVEPOINT (eclipse-vertx/vertx-sql-client#1369), so one bad item would fail its whole batch.
  //
  // Submits come from every event loop. The queue is lock-free so that a submit costs no hop to
  // another thread and a full queue is refused synchronously, counted before anything is
  // scheduled (a runOnContext per submit would itself be an unbounded backlog). Everything else
  // (the batch in flight, the wait timer, closing) is confined to `context`, driven by at most
  // one pending wake-up task at a time.
  private final Queue<Item<?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger depth = new AtomicInteger();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Meters meters;

  // Confined to `context`.
  private boolean inFlight;
  private long waitTimer = -1;
  private final List<Promise<Void>> closeWaiters = new ArrayList<>();

  /**
   * Creates a writer whose batches run on the Vert.x context current at construction (or a new
   * event-loop context when there is none).
   */
  public GroupCommitWriter(Vertx vertx, Database db, Options options) {
    Objects.requireNonNull(vertx, "vertx");
    this.db = Objects.requireNonNull(db, "db");
    this.options = Objects.requireNonNull(options, "options");
    // SQLite: take the write lock at BEGIN, where the busy timeout applies, rather than at the
    // first write of a transaction that has already read (which fails at once when contended).
    this.begin = db.dialect() == Dialect.SQLITE ? "BEGIN IMMEDIATE" : "BEGIN";
    this.context = vertx.getOrCreateContext();
  }

  /**
   * Queues {@code work} for the next transaction. The work runs on the writer's connection and
   * context, after the items submitted before it; it must not block and must not commit.
   *
   * @return a future completed with the work's result once its transaction has committed; failed
   *     with the work's own failure (its changes rolled back, the others' kept), with the commit's
   *     failure when the transaction could not commit, or at once with
   *     {@link ProblemException.Unavailable} when the queue is full or the writer is closed
   */
  public <T> Future<T> submit(Function<SqlConnection, Future<T>> work) {
    Objects.requireNonNull(work, "work");
    if (closed) {
      return reject("the store writer is closed");
    }
    if (depth.incrementAndGet() > options.maxQueueLength()) {
      depth.decrementAndGet();
      return reject("the store's write queue is full");
    }
    Item<T> item = new Item<>(work, Vertx.currentContext(), System.nanoTime());
    queue.add(item);
    if (wakeupPending.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakeupPending.set(false);
        pump();
      });
    }
    return item.promise.future();
  }

  /**
   * Stops accepting work: later submits and items still queued fail with
   * {@link ProblemException.Unavailable}; the batch in flight finishes.
   *
   * @return a future completed when no batch is in flight any more
   */
  public Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closeWaiters.add(done);
      pump();
    });
    return done.future();
  }

  /**
   * Publishes, labelled {@code writer=name}: {@code ultrachat_store_group_commit_queue} (items
   * waiting), {@code ultrachat_store_group_commit_batch_size} (items per transaction),
   * {@code ultrachat_store_group_commit_duration_seconds} (a batch, from taking the connection to
   * the end of its commit or rollback)
   * and {@code ultrachat_store_group_commit_rejected_total} (submits refused with 503).
   */
  public void bindMetrics(MeterRegistry registry, String name) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(name, "name");
    Gauge.builder("ultrachat.store.group.commit.queue", depth, AtomicInteger::get).tag("writer", name)
        .description("Writes waiting for a group-commit transaction").register(registry);
    meters = new Meters(
        DistributionSummary.builder("ultrachat.store.group.commit.batch.size").tag("writer", name)
            .description("Writes per group-commit transaction").register(registry),
        Timer.builder("ultrachat.store.group.commit.duration").tag("writer", name)
            .description("Time of a group-commit batch, connection to commit").register(registry),
        Counter.builder("ultrachat.store.group.commit.rejected").tag("writer", name)
            .description("Writes refused because the queue was full or the writer closed").register(registry));
  }

  private <T> Future<T> reject(String detail) {
    Meters m = meters;
    if (m != null) {
      m.rejected().increment();
    }
    return Future.failedFuture(new ProblemException.Unavailable(detail));
  }

  /** On the context: starts the next batch when one is due. */
  private void pump() {
    if (closed) {
      cancelWaitTimer();
      failQueued();
      if (!inFlight) {
        closeWaiters.forEach(Promise::tryComplete);
        closeWaiters.clear();
      }
      return;
    }
    if (inFlight) {
      return; // the batch's completion pumps again
    }
    Item<?> head = queue.peek();
    if (head == null) {
      return;
    }
    long waitNanos = options.maxWait().toNanos();
    if (waitNanos > 0 && depth.get() < options.maxBatchSize()) {
      long dueInNanos = head.enqueuedNanos + waitNanos - System.nanoTime();
      if (dueInNanos > 0) {
        if (waitTimer < 0) {
          long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueInNanos) + 1);
          waitTimer = context.owner().setTimer(delayMs, id -> {
            waitTimer = -1;
            if (!inFlight && !closed && !queue.isEmpty()) {
              flush();
            }
          });
        }
        return;
      }
    }
    cancelWaitTimer();
    flush();
  }

  private void cancelWaitTimer() {
    if (waitTimer >= 0) {
      context.owner().cancelTimer(waitTimer);
      waitTimer = -1;
    }
  }

  private void failQueued() {
    for (Item<?> item = queue.poll(); item != null; item = queue.poll()) {
      depth.decrementAndGet();
      item.fail(new ProblemException.Unavailable("the store writer is closed"));
    }
  }

  private void flush() {
    List<Item<?>> batch = new ArrayList<>(Math.min(depth.get(), options.maxBatchSize()));
    for (Item<?> item = null; batch.size() < options.maxBatchSize() && (item = queue.poll()) != null; ) {
      batch.add(item);
    }
    depth.addAndGet(-batch.size());
    inFlight = true;
    Meters m = meters;
    if (m != null) {
      m.batchSize().record(batch.size());
    }
    long start = System.nanoTime();
    Future<Void> committed;
    try {
      committed = db.writer().getConnection()
          .compose(conn -> runInTransaction(conn, batch).eventually(conn::close));
    } catch (RuntimeException e) {
      committed = Future.failedFuture(e);
    }
    committed.onComplete(result -> {
      if (m != null) {
        m.commit().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      inFlight = false;
      for (Item<?> item : batch) {
        item.settleAfter(result);
      }
      pump();
    });
  }

  /**
   * BEGIN, every item, COMMIT; ROLLBACK when anything of the transaction itself failed, and after
   * a failed COMMIT too (SQLite keeps the transaction open then, PostgreSQL has already ended it).
   */
  private Future<Void> runInTransaction(SqlConnection conn, List<Item<?>> batch) {
    return conn.query(begin).execute()
        .compose(begun -> runFrom(conn, batch, 0))
        .compose(ran -> conn.query("COMMIT").execute())
        .transform(done -> done.succeeded() ? Future.<Void>succeededFuture()
            : conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<Void>failedFuture(done.cause())));
  }

  private static Future<Void> runFrom(SqlConnection conn, List<Item<?>> batch, int index) {
    if (index == batch.size()) {
      return Future.succeededFuture();
    }
    return batch.get(index).runIn(conn).compose(v -> runFrom(conn, batch, index + 1));
  }

  /** One submitted piece of work and, once it ran, its outcome (read and written on the writer's context). */
  private static final class Item<T> {
    final Function<SqlConnection, Future<T>> work;
    final Context caller;
    final long enqueuedNanos;
    final Promise<T> promise = Promise.promise();
    AsyncResult<T> outcome;

    Item(Function<SqlConnection, Future<T>> work, Context caller, long enqueuedNanos) {
      this.work = work;
      this.caller = caller;
      this.enqueuedNanos = enqueuedNanos;
    }

    /**
     * Runs the work inside a savepoint: released when it succeeds, rolled back to when it fails.
     * The returned future fails only when the transaction itself is broken.
     */
    Future<Void> runIn(SqlConnection conn) {
      return conn.query(SAVEPOINT).execute().compose(savepoint -> {
        Future<T> result;
        try {
          result = Objects.requireNonNull(work.apply(conn), "the work returned no future");
        } catch (RuntimeException e) {
          result = Future.failedFuture(e);
        }
        return result.transform(done -> {
          if (done.failed()) {
            outcome = done;
            return rollBack(conn);
          }
          return conn.query(RELEASE).execute().transform(released -> {
            // PostgreSQL refuses the release when a statement of this item failed and the work
            // carried on: the transaction is aborted until the item is rolled back.
            outcome = released.succeeded() ? done : Future.failedFuture(released.cause());
            return released.succeeded() ? Future.<Void>succeededFuture() : rollBack(conn);
          });
        });
      });
    }

    private static Future<Void> rollBack(SqlConnection conn) {
      return conn.query(ROLLBACK_TO).execute().compose(v -> conn.query(RELEASE).execute()).mapEmpty();
    }

    /** Settles the item once its batch's transaction has ended. */
    void settleAfter(AsyncResult<Void> transaction) {
      if (outcome != null && outcome.failed()) {
        settle(outcome); // failed by itself, whatever became of the batch
      } else if (transaction.failed() || outcome == null) {
        fail(transaction.failed() ? transaction.cause() : new IllegalStateException("the work never ran"));
      } else {
        settle(outcome);
      }
    }

    void fail(Throwable failure) {
      settle(Future.failedFuture(failure));
    }

    /** Completes the promise on the submitter's context, so that its callbacks run where it expects. */
    void settle(AsyncResult<T> result) {
      if (caller == null || caller == Vertx.currentContext()) {
        promise.handle(result);
      } else {
        caller.runOnContext(v -> promise.handle(result));
      }
    }
  }
}
