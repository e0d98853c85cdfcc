package org.ultrachat.platform.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The installation record: one row naming this UltraChat installation, written by whichever
 * node starts first. Every node of a cluster reads the same id.
 */
public final class Installation {
  private static final String INSERT =
      "INSERT INTO installation (singleton, id, created_at) VALUES (1, #{id}, #{createdAt}) "
          + "ON CONFLICT (singleton) DO NOTHING";
  private static final String SELECT = "SELECT id, created_at FROM installation WHERE singleton = 1";

  private final Database db;

  public Installation(Database db) {
    this.db = db;
  }

  /** The installation's identity. */
  public record Info(String id, Instant createdAt) {
  }

  /**
   * Creates the record if it does not exist yet, and returns the one stored. Concurrent callers
   * on any number of nodes all get the same record.
   */
  public Future<Info> ensure() {
    Map<String, Object> params = Map.of("id", UUID.randomUUID().toString(),
        "createdAt", System.currentTimeMillis());
    return SqlTemplate.forUpdate(db.writer(), INSERT).execute(params)
        .compose(done -> SqlTemplate.forQuery(db.writer(), SELECT).execute(Map.of()))
        .map(rows -> {
          var row = rows.iterator().next();
          return new Info(row.getString("id"), Instant.ofEpochMilli(row.getLong("created_at")));
        });
  }
}
