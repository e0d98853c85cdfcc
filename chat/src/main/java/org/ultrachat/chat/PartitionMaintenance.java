package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the monthly partitions of {@code messages} (PostgreSQL only): the current month and the
 * next {@link #MONTHS_AHEAD} exist, and so does the month of every row that waits in the default
 * partition, whose rows are moved into it. Each partition is made in its own transaction under
 * an advisory lock, so any number of nodes may run this at once; running it again changes nothing.
 */
final class PartitionMaintenance {
  /** The advisory lock key ("ultrachat partitions"); Flyway's keys start at 77431708279161 + a hash. */
  static final long LOCK_KEY = 0x7563_7061_7274_0001L;
  static final int MONTHS_AHEAD = 3;
  static final Duration INTERVAL = Duration.ofHours(6);

  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
  // Months as UTC calendar months of created_at (epoch milliseconds). The default partition is
  // normally empty or small, so scanning it is cheap.
  private static final String MONTHS_IN_DEFAULT = "SELECT DISTINCT to_char(to_timestamp(created_at / 1000.0) "
      + "AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM messages_default";
  private static final String IS_PARTITION = "SELECT EXISTS (SELECT 1 FROM pg_inherits "
      + "WHERE inhparent = 'messages'::regclass AND inhrelid = to_regclass($1)) AS attached";

  private final Pool pool;
  private final Clock clock;

  PartitionMaintenance(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @return the partition's table name, {@code messages_YYYY_MM} */
  static String tableOf(YearMonth month) {
    return String.format("messages_%04d_%02d", month.getYear(), month.getMonthValue());
  }

  /** @return the first millisecond of the month, UTC: the partition's inclusive lower bound */
  static long startOf(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /**
   * Creates every missing partition: the current month, the next {@link #MONTHS_AHEAD}, and each
   * month found in the default partition (moving its rows).
   *
   * @return the partitions this run created, oldest first; fails when one could not be made
   *     (those made before it stay)
   */
  Future<List<String>> run() {
    YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    TreeSet<YearMonth> months = new TreeSet<>();
    for (int i = 0; i <= MONTHS_AHEAD; i++) {
      months.add(now.plusMonths(i));
    }
    return pool.query(MONTHS_IN_DEFAULT).execute().compose(rows -> {
      for (Row r : rows) {
        months.add(YearMonth.parse(r.getString("month")));
      }
      List<String> created = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (YearMonth month : months) {
        chain = chain.compose(v -> ensure(month)).map(made -> {
          if (made) {
            created.add(tableOf(month));
          }
          return null;
        });
      }
      return chain.map(v -> created);
    });
  }

  /** @return whether this call created the month's partition (false: it existed) */
  private Future<Boolean> ensure(YearMonth month) {
    String table = tableOf(month);
    long lo = startOf(month);
    long hi = startOf(month.plusMonths(1));
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY))
        .compose(locked -> conn.preparedQuery(IS_PARTITION).execute(Tuple.of(table)))
        .compose(found -> found.iterator().next().getBoolean("attached")
            ? Future.succeededFuture(false)
            : create(conn, table, lo, hi).map(true)));
  }

  private static Future<Void> create(SqlConnection conn, String table, long lo, long hi) {
    String bounds = table + "_bounds";
    // The CHECK matching the bounds lets ATTACH skip scanning the new table; dropped once attached.
    String createTable = "CREATE TABLE " + table + " (LIKE messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        + "CONSTRAINT " + bounds + " CHECK (created_at >= " + lo + " AND created_at < " + hi + "))";
    // Taken first, so no row of this month can enter the default partition between the move and
    // ATTACH (which takes this lock anyway and would then fail on such a row).
    String lockDefault = "LOCK TABLE messages_default IN ACCESS EXCLUSIVE MODE";
    String move = "WITH moved AS (DELETE FROM messages_default WHERE created_at >= " + lo + " AND created_at < " + hi
        + " RETURNING *) INSERT INTO " + table + " SELECT * FROM moved";
    String attach = "ALTER TABLE messages ATTACH PARTITION " + table + " FOR VALUES FROM (" + lo + ") TO (" + hi + ")";
    String dropCheck = "ALTER TABLE " + table + " DROP CONSTRAINT " + bounds;
    return conn.query(lockDefault).execute()
        .compose(v -> conn.query(createTable).execute())
        .compose(v -> conn.query(move).execute())
        .compose(moved -> conn.query(attach).execute().compose(v -> conn.query(dropCheck).execute()).map(v -> {
          LOG.atInfo().addKeyValue("partition", table).addKeyValue("moved_from_default", moved.rowCount())
              .log("message partition created");
          return null;
        }));
  }
}
