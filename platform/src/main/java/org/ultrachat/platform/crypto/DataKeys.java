package org.ultrachat.platform.crypto;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ultrachat.platform.store.Database;

/** The {@code data_keys} table: wrapped data keys by version. */
final class DataKeys {
  private static final String SELECT_ALL = "SELECT id, wrapped_key FROM data_keys ORDER BY id";
  private static final String INSERT = "INSERT INTO data_keys (id, wrapped_key, created_at) "
      + "VALUES (#{id}, #{wrapped}, #{createdAt}) ON CONFLICT (id) DO NOTHING";

  /** A data key as stored: its version and its base64 wrapped form. */
  record Stored(int id, String wrapped) {
  }

  private final SqlTemplate<Map<String, Object>, RowSet<Row>> selectAll;
  private final SqlTemplate<Map<String, Object>, SqlResult<Void>> insert;

  DataKeys(Database db) {
    selectAll = SqlTemplate.forQuery(db.reader(), SELECT_ALL);
    insert = SqlTemplate.forUpdate(db.writer(), INSERT);
  }

  /** @return every stored key, oldest first */
  Future<List<Stored>> all() {
    return selectAll.execute(Map.of()).map(rows -> {
      List<Stored> keys = new ArrayList<>();
      rows.forEach(row -> keys.add(new Stored(row.getInteger("id"), row.getString("wrapped_key"))));
      return keys;
    });
  }

  /** @return true when the key was stored, false when {@code id} was already taken */
  Future<Boolean> insert(int id, String wrapped) {
    return insert.execute(Map.of("id", id, "wrapped", wrapped, "createdAt", System.currentTimeMillis()))
        .map(result -> result.rowCount() == 1);
  }
}
