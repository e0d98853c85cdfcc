package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.StreamSupport;
import org.ultrachat.platform.store.Ids;

/**
 * History, thread and search reads on PostgreSQL, where {@code messages} is partitioned by month
 * on {@code created_at}. Each query carries a {@code created_at} range computed beforehand and
 * passed as parameters, so the planner keeps only the partitions the range meets; the ranges are
 * chosen so that the results are exactly those of the same query without them.
 *
 * <p>History and threads are ordered by {@code seq}, not time. A message's {@code created_at} is
 * its id's time, taken as its write starts, just before its transaction locks the channel and
 * takes the next seq, on the clock of the node that stored it; so time and seq agree up to
 * {@link #SLACK_MS} (clock skew between nodes plus what the transaction waits for before its seq:
 * the channel's lock, a concurrent claim of the same client id), and every bound derived from a
 * seq is widened by it.
 * Search is ordered by id, which orders by {@code created_at} exactly.
 */
final class PartitionedReads {
  /** How far {@code created_at} may stray from the order of seq; far above real clock skew and lock waits. */
  static final long SLACK_MS = Duration.ofHours(1).toMillis();
  /** The first window tried where the far end of a page is unknown. */
  static final long WINDOW_MS = Duration.ofDays(31).toMillis();

  /** A statement and its parameters, exactly as executed. */
  record Query(String sql, Tuple params) {
  }

  // channel_events is unpartitioned with PRIMARY KEY (channel_id, seq): one index probe each.
  static final String EVENT_TIME_BELOW = "SELECT created_at FROM channel_events WHERE channel_id = $1 AND seq < $2 "
      + "ORDER BY seq DESC LIMIT 1";
  static final String EVENT_TIME_ABOVE = "SELECT created_at FROM channel_events WHERE channel_id = $1 AND seq > $2 "
      + "ORDER BY seq LIMIT 1";
  static final String HISTORY_BEFORE = "SELECT " + ChatStore.MESSAGE_COLUMNS + " FROM messages WHERE channel_id = $1 "
      + "AND thread_root_id IS NULL AND seq < $2 AND created_at BETWEEN $3 AND $4 ORDER BY seq DESC LIMIT $5";
  static final String HISTORY_AFTER = "SELECT " + ChatStore.MESSAGE_COLUMNS + " FROM messages WHERE channel_id = $1 "
      + "AND thread_root_id IS NULL AND seq > $2 AND created_at BETWEEN $3 AND $4 ORDER BY seq LIMIT $5";
  static final String THREAD = "SELECT " + ChatStore.MESSAGE_COLUMNS + " FROM messages WHERE thread_root_id = $1 "
      + "AND seq > $2 AND created_at BETWEEN $3 AND $4 ORDER BY seq LIMIT $5";
  static final String SEARCH = "SELECT " + ChatStore.prefixed("m") + " FROM messages m "
      + "JOIN channel_members cm ON cm.channel_id = m.channel_id AND cm.user_id = $1 "
      + "WHERE m.deleted_at IS NULL AND m.id < $2 AND m.search_terms @> $3 AND m.created_at BETWEEN $4 AND $5 "
      + "ORDER BY m.id DESC LIMIT $6";

  private final SqlClient reader;
  private final LongSupplier clock;

  PartitionedReads(SqlClient reader, LongSupplier clock) {
    this.reader = reader;
    this.clock = clock;
  }

  // ---- history

  /**
   * The first query of a history page: bounded on the seq side by the time of the channel event
   * nearest the cursor (every message has an event at its seq), and on the far side by a window.
   *
   * @return empty when the channel has no change on that side of the cursor, so no message either
   */
  Future<Optional<Query>> firstHistoryQuery(String channelId, boolean before, long seq, int limit) {
    return reader.preparedQuery(before ? EVENT_TIME_BELOW : EVENT_TIME_ABOVE).execute(Tuple.of(channelId, seq))
        .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong("created_at")))
        .map(anchor -> anchor.map(t -> before
            ? historyQuery(channelId, true, seq, limit, t - WINDOW_MS, t + SLACK_MS)
            : historyQuery(channelId, false, seq, limit, t - SLACK_MS, t + WINDOW_MS)));
  }

  Future<List<ChatStore.Stored>> history(String channelId, boolean before, long seq, int limit) {
    return firstHistoryQuery(channelId, before, seq, limit).compose(first -> {
      if (first.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      long lo = first.get().params().getLong(2);
      long hi = first.get().params().getLong(3);
      return run(first.get()).compose(page -> {
        // The window held the whole page when it is full and its far end lies more than SLACK_MS
        // inside the window: a message outside is then further along in seq than every one here.
        ChatStore.Stored far = page.isEmpty() ? null : page.get(page.size() - 1);
        boolean whole = page.size() == limit && (before
            ? far.message().createdAt().toEpochMilli() >= lo + SLACK_MS
            : far.message().createdAt().toEpochMilli() <= hi - SLACK_MS);
        if (whole) {
          return Future.succeededFuture(page);
        }
        return run(before ? historyQuery(channelId, true, seq, limit, Long.MIN_VALUE, hi)
            : historyQuery(channelId, false, seq, limit, lo, Long.MAX_VALUE));
      });
    });
  }

  static Query historyQuery(String channelId, boolean before, long seq, int limit, long lo, long hi) {
    return new Query(before ? HISTORY_BEFORE : HISTORY_AFTER, Tuple.of(channelId, seq, lo, hi, limit));
  }

  // ---- threads

  /** Replies are stored after their root, whose id gives its time: from there (less the slack) to now. */
  Query threadQuery(String rootId, long after, int limit) {
    return new Query(THREAD, Tuple.of(rootId, after, Ids.timeOf(rootId) - SLACK_MS, clock.getAsLong() + SLACK_MS, limit));
  }

  Future<List<ChatStore.Stored>> thread(String rootId, long after, int limit) {
    return run(threadQuery(rootId, after, limit));
  }

  // ---- search

  /**
   * The first query of a search page: up to the cursor's time (or now), within one window. Ids
   * and times order alike, so when the window holds a full page nothing older can belong to it.
   */
  Query firstSearchQuery(String userId, List<String> terms, Optional<String> before, int limit) {
    long hi = before.map(Ids::timeOf).orElse(clock.getAsLong() + SLACK_MS);
    return searchQuery(userId, terms, before, limit, hi - WINDOW_MS, hi);
  }

  Future<List<ChatStore.Stored>> search(String userId, List<String> terms, Optional<String> before, int limit) {
    Query first = firstSearchQuery(userId, terms, before, limit);
    long lo = first.params().getLong(3);
    return run(first).compose(page -> {
      if (page.size() == limit) {
        return Future.succeededFuture(page);
      }
      return run(searchQuery(userId, terms, before, limit - page.size(), Long.MIN_VALUE, lo - 1)).map(older -> {
        List<ChatStore.Stored> all = new ArrayList<>(page);
        all.addAll(older);
        return all;
      });
    });
  }

  static Query searchQuery(String userId, List<String> terms, Optional<String> before, int limit, long lo, long hi) {
    // "g" sorts after every id: no cursor.
    return new Query(SEARCH, Tuple.of(userId, before.orElse("g"), terms.toArray(new String[0]), lo, hi, limit));
  }

  private Future<List<ChatStore.Stored>> run(Query q) {
    return reader.preparedQuery(q.sql()).execute(q.params())
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(ChatStore::stored).toList());
  }
}
