package org.ultrachat.chat;

import static org.ultrachat.platform.store.Sql.params;
import static org.ultrachat.platform.store.Sql.rows;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.List;
import java.util.Map;
import org.ultrachat.platform.store.Database;

/**
 * The SQL behind real-time delivery: a user's channels, and a channel's stored event stream read
 * in order. Both read the primary (never a lagging replica): a gap is filled from what has been
 * committed, and only the primary is sure to hold it.
 */
final class StreamStore {
  private static final String MEMBER_CHANNELS = "SELECT channel_id FROM channel_members WHERE user_id = #{userId} "
      + "ORDER BY channel_id";
  private static final String EVENTS_AFTER = "SELECT channel_id, seq, kind, actor_id, payload FROM channel_events "
      + "WHERE channel_id = #{channelId} AND seq > #{after} ORDER BY seq LIMIT #{limit}";
  private static final String LAST_SEQ = "SELECT last_seq FROM channels WHERE id = #{id}";

  private final Database db;

  StreamStore(Database db) {
    this.db = db;
  }

  Future<List<String>> memberChannels(String userId) {
    return SqlTemplate.forQuery(db.reader(), MEMBER_CHANNELS).execute(params("userId", userId))
        .map(rows -> rows(rows).stream().map(r -> r.getString("channel_id")).toList());
  }

  /** @return up to {@code limit} events of the channel after {@code after}, in seq order */
  Future<List<ChatEvent>> eventsAfter(String channelId, long after, int limit) {
    Map<String, Object> p = params("channelId", channelId, "after", after);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.reader(), EVENTS_AFTER).execute(p).map(rows -> rows(rows).stream()
        .map(r -> new ChatEvent(r.getString("channel_id"), r.getLong("seq"), r.getString("kind"), r.getString("actor_id"),
            new JsonObject(r.getString("payload")))).toList());
  }

  /** @return the channel's last seq, or -1 when there is no such channel */
  Future<Long> lastSeq(String channelId) {
    return SqlTemplate.forQuery(db.reader(), LAST_SEQ).execute(params("id", channelId)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? it.next().getLong("last_seq") : -1L;
    });
  }
}
