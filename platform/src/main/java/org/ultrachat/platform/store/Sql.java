package org.ultrachat.platform.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** Small helpers every store uses around {@link SqlTemplate}: parameters, one row, updates, rows, times. */
public final class Sql {
  private Sql() {
  }

  /**
   * @param kv alternating names and values
   * @return template parameters, with {@code now} (epoch milliseconds) added
   */
  public static Map<String, Object> params(Object... kv) {
    Map<String, Object> p = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      p.put((String) kv[i], kv[i + 1]);
    }
    p.put("now", System.currentTimeMillis());
    return p;
  }

  /** @return the first row of the query, if any */
  public static Future<Optional<Row>> one(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).execute(params).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    });
  }

  /** Runs a statement that returns no rows. */
  public static Future<Void> update(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forUpdate(client, sql).execute(params).mapEmpty();
  }

  /** @return the rows as a list */
  public static List<Row> rows(RowSet<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false).toList();
  }

  /** @return the epoch-millisecond column as an instant, empty when NULL */
  public static Optional<Instant> instant(Row row, String column) {
    Object v = row.getValue(column);
    return v == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(((Number) v).longValue()));
  }
}
