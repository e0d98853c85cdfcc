package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Dialect;

/**
 * The SQL behind chat's durable feed: the events of every channel after a position, with the
 * horizon below which the store will add none. Reads the primary, as gap fill does.
 *
 * <p>A position is (transaction, feed id). On PostgreSQL the transaction is the writer's
 * ({@code feed_tx}) and the horizon is the oldest transaction still running: group-commit writers
 * run side by side, so an event with a smaller feed id may commit after one with a larger; no
 * transaction older than the horizon can still write, so what lies below it is final. On SQLite
 * there is one writer: the transaction part is always 0 and the horizon is the last feed id.
 */
final class FeedStore {
  private static final String COLUMNS = "channel_id, seq, kind, actor_id, payload";
  private static final String PG = "SELECT h.horizon::text AS horizon, e.channel_id, e.seq, e.kind, e.actor_id, "
      + "e.payload, e.feed_tx::text AS feed_tx, e.feed_id "
      + "FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h "
      + "LEFT JOIN LATERAL (SELECT " + COLUMNS + ", feed_tx, feed_id FROM channel_events "
      + "WHERE (feed_tx, feed_id) > ($1::text::xid8, $2) AND feed_tx < h.horizon "
      + "AND (cardinality($3::text[]) = 0 OR kind = ANY($3::text[])) "
      + "ORDER BY feed_tx, feed_id LIMIT $4) e ON true ORDER BY e.feed_tx, e.feed_id";
  private static final String SQLITE = "SELECT h.horizon, e.channel_id, e.seq, e.kind, e.actor_id, e.payload, "
      + "0 AS feed_tx, e.feed_id FROM (SELECT COALESCE(MAX(feed_id), 0) AS horizon FROM channel_events) h "
      + "LEFT JOIN (SELECT " + COLUMNS + ", feed_id FROM channel_events WHERE feed_id > ?%s "
      + "ORDER BY feed_id LIMIT ?) e ON 1 = 1 ORDER BY e.feed_id";
  private static final String PG_HEAD = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon";
  private static final String SQLITE_HEAD = "SELECT COALESCE(MAX(feed_id), 0) AS horizon FROM channel_events";

  /** A place in the feed; ordered by transaction, then feed id. */
  record Position(long tx, long id) implements Comparable<Position> {
    @Override
    public int compareTo(Position other) {
      int byTx = Long.compare(tx, other.tx);
      return byTx != 0 ? byTx : Long.compare(id, other.id);
    }
  }

  /** @param horizon no event will be added at or below this position's transaction (PostgreSQL) or id (SQLite) */
  record Read(List<Positioned> events, Position horizon) {
  }

  record Positioned(Position position, ChatEvent event) {
  }

  private final Database db;

  FeedStore(Database db) {
    this.db = db;
  }

  /** @return up to {@code limit} events of the given kinds (all when empty) after {@code after} */
  Future<Read> after(Position after, Set<String> kinds, int limit) {
    List<String> wanted = new ArrayList<>(kinds);
    Collections.sort(wanted);
    if (db.dialect() == Dialect.POSTGRESQL) {
      return db.reader().preparedQuery(PG)
          .execute(Tuple.of(Long.toString(after.tx()), after.id(), wanted.toArray(new String[0]), limit))
          .map(rows -> read(rows, h -> new Position(Long.parseLong(h), 0)));
    }
    String kindFilter = wanted.isEmpty() ? "" : " AND kind IN (" + String.join(", ", Collections.nCopies(wanted.size(), "?")) + ")";
    Tuple params = Tuple.tuple().addLong(after.id());
    wanted.forEach(params::addString);
    params.addInteger(limit);
    return db.reader().preparedQuery(SQLITE.formatted(kindFilter)).execute(params)
        .map(rows -> read(rows, h -> new Position(0, Long.parseLong(h))));
  }

  /** @return the horizon now: where a consumer that wants only what comes next starts */
  Future<Position> head() {
    boolean pg = db.dialect() == Dialect.POSTGRESQL;
    return db.reader().query(pg ? PG_HEAD : SQLITE_HEAD).execute().map(rows -> {
      String horizon = String.valueOf(rows.iterator().next().getValue("horizon"));
      return pg ? new Position(Long.parseLong(horizon), 0) : new Position(0, Long.parseLong(horizon));
    });
  }

  private static Read read(Iterable<Row> rows, Function<String, Position> horizonOf) {
    List<Positioned> events = new ArrayList<>();
    Position horizon = null;
    for (Row r : rows) {
      horizon = horizonOf.apply(String.valueOf(r.getValue("horizon")));
      if (r.getValue("feed_id") == null) {
        continue;
      }
      Position at = new Position(Long.parseLong(String.valueOf(r.getValue("feed_tx"))), r.getLong("feed_id"));
      events.add(new Positioned(at, new ChatEvent(r.getString("channel_id"), r.getLong("seq"), r.getString("kind"),
          r.getString("actor_id"), new JsonObject(r.getString("payload")))));
    }
    return new Read(events, horizon);
  }
}
