package org.ultrachat.chat;

import static org.ultrachat.platform.store.Sql.instant;
import static org.ultrachat.platform.store.Sql.one;
import static org.ultrachat.platform.store.Sql.params;
import static org.ultrachat.platform.store.Sql.rows;
import static org.ultrachat.platform.store.Sql.update;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Dialect;
import org.ultrachat.platform.store.Ids;

/**
 * The chat service's SQL. Message writes take a connection so they join the caller's transaction.
 * On PostgreSQL, history, thread and search reads go through {@link PartitionedReads}, which
 * bounds them on {@code created_at} so that monthly partitions are pruned.
 */
final class ChatStore {
  private static final String CHANNEL_COLUMNS = "id, kind, name, topic, created_by, created_at, archived_at, last_seq";
  private static final String INSERT_CHANNEL = "INSERT INTO channels (id, kind, name, name_key, dm_key, topic, created_by, "
      + "created_at, archived_at, last_seq) VALUES (#{id}, #{kind}, #{name}, #{nameKey}, #{dmKey}, #{topic}, #{createdBy}, "
      + "#{now}, NULL, 0)";
  private static final String CHANNEL_BY_ID = "SELECT " + CHANNEL_COLUMNS + " FROM channels WHERE id = #{id}";
  private static final String CHANNEL_FOR_UPDATE = "SELECT " + CHANNEL_COLUMNS + " FROM channels WHERE id = #{id} FOR UPDATE";
  // SQLite: the channel and one user's membership in one read (see lockChannelWithMember).
  private static final String CHANNEL_WITH_MEMBER_SQLITE = "SELECT c.id, c.kind, c.name, c.topic, c.created_by, "
      + "c.created_at, c.archived_at, c.last_seq, m.channel_id, m.user_id, m.role, m.joined_at, m.last_read_seq, "
      + "m.mention_count FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = #{userId} "
      + "WHERE c.id = #{id}";
  private static final String CHANNEL_BY_DM_KEY = "SELECT " + CHANNEL_COLUMNS + " FROM channels WHERE dm_key = #{dmKey}";
  private static final String MY_CHANNELS = "SELECT c.id, c.kind, c.name, c.topic, c.created_by, c.created_at, "
      + "c.archived_at, c.last_seq, m.last_read_seq, m.mention_count, "
      + "(SELECT COUNT(*) FROM messages x WHERE x.channel_id = c.id AND x.seq > m.last_read_seq AND x.deleted_at IS NULL "
      + "AND x.thread_root_id IS NULL AND x.sender_id <> #{userId}) AS unread "
      + "FROM channel_members m JOIN channels c ON c.id = m.channel_id WHERE m.user_id = #{userId} ORDER BY c.created_at";
  private static final String BROWSABLE = "SELECT " + CHANNEL_COLUMNS + " FROM channels c WHERE c.kind = 'public' "
      + "AND c.archived_at IS NULL AND c.id > #{after} ORDER BY c.id LIMIT #{limit}";
  private static final String UPDATE_CHANNEL = "UPDATE channels SET topic = #{topic}, archived_at = #{archivedAt} "
      + "WHERE id = #{id}";
  private static final String NEXT_SEQ = "UPDATE channels SET last_seq = last_seq + 1 WHERE id = #{id} RETURNING last_seq";

  private static final String INSERT_EVENT = "INSERT INTO channel_events (channel_id, seq, kind, actor_id, payload, "
      + "created_at) VALUES (#{channelId}, #{seq}, #{kind}, #{actorId}, #{payload}, #{now})";

  private static final String MEMBER_COLUMNS = "channel_id, user_id, role, joined_at, last_read_seq, mention_count";
  private static final String MEMBER = "SELECT " + MEMBER_COLUMNS + " FROM channel_members "
      + "WHERE channel_id = #{channelId} AND user_id = #{userId}";
  private static final String MEMBERS = "SELECT " + MEMBER_COLUMNS + " FROM channel_members WHERE channel_id = #{channelId} "
      + "ORDER BY joined_at, user_id LIMIT 1000";
  private static final String INSERT_MEMBER = "INSERT INTO channel_members (" + MEMBER_COLUMNS + ") VALUES "
      + "(#{channelId}, #{userId}, #{role}, #{now}, #{lastReadSeq}, 0)";
  private static final String DELETE_MEMBER = "DELETE FROM channel_members WHERE channel_id = #{channelId} AND user_id = #{userId}";
  private static final String SET_ROLE = "UPDATE channel_members SET role = #{role} "
      + "WHERE channel_id = #{channelId} AND user_id = #{userId}";
  private static final String MARK_READ = "UPDATE channel_members SET last_read_seq = #{seq}, mention_count = 0 "
      + "WHERE channel_id = #{channelId} AND user_id = #{userId} AND last_read_seq <= #{seq}";
  // The members among the users named, in one statement; the others are not members.
  private static final String MENTION_SOME_SQLITE = "UPDATE channel_members SET mention_count = mention_count + 1 "
      + "WHERE channel_id = #{channelId} AND user_id IN (%s) RETURNING user_id";
  private static final String MENTION_SOME_PG = "UPDATE channel_members SET mention_count = mention_count + 1 "
      + "WHERE channel_id = $1 AND user_id = ANY($2) RETURNING user_id";
  private static final String MENTION_ALL = "UPDATE channel_members SET mention_count = mention_count + 1 "
      + "WHERE channel_id = #{channelId} AND user_id <> #{senderId}";

  static final String MESSAGE_COLUMNS = "id, channel_id, seq, sender_id, thread_root_id, body, sealed, mentions, "
      + "reply_count, last_reply_at, edit_count, edited_at, deleted_at, pinned_at, created_at";
  private static final String INSERT_MESSAGE_SQLITE = "INSERT INTO messages (" + MESSAGE_COLUMNS + ", pinned_by) VALUES "
      + "(#{id}, #{channelId}, #{seq}, #{senderId}, #{threadRootId}, #{body}, #{sealed}, #{mentions}, 0, NULL, 0, NULL, "
      + "NULL, NULL, #{createdAt}, NULL)";
  // PostgreSQL: the seq, the message and its event in one statement. Each insert reads the seq the
  // UPDATE returned (a WITH statement runs once); an insert in WITH runs whether read or not.
  private static final String INSERT_NEW_MESSAGE_PG = "WITH s AS (UPDATE channels SET last_seq = last_seq + 1 "
      + "WHERE id = $2 RETURNING last_seq), "
      + "e AS (INSERT INTO channel_events (channel_id, seq, kind, actor_id, payload, created_at) "
      + "VALUES ($2, (SELECT last_seq FROM s), $10, $3, $11, $12)) "
      + "INSERT INTO messages (" + MESSAGE_COLUMNS + ", pinned_by, search_terms) "
      + "VALUES ($1, $2, (SELECT last_seq FROM s), $3, $4, $5, $6, $7, 0, NULL, 0, NULL, NULL, NULL, $8, NULL, $9) "
      + "RETURNING seq";
  // A message's terms in one statement: one row of the VALUES list per term.
  private static final String INSERT_TERMS_SQLITE = "INSERT INTO message_terms (term, message_id) VALUES %s "
      + "ON CONFLICT DO NOTHING";
  private static final String DELETE_TERMS_SQLITE = "DELETE FROM message_terms WHERE message_id = #{id}";
  private static final String SET_TERMS_PG = "UPDATE messages SET search_terms = $1 WHERE id = $2 AND created_at = $3";
  // created_at is derived from the UUIDv7 id; naming it lets PostgreSQL prune to one partition.
  private static final String MESSAGE_BY_ID = "SELECT " + MESSAGE_COLUMNS + " FROM messages "
      + "WHERE id = #{id} AND created_at = #{createdAt}";
  private static final String MESSAGES_BY_ID_SQLITE = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id IN (%s)";
  private static final String MESSAGES_BY_ID_PG = "SELECT " + MESSAGE_COLUMNS + " FROM messages "
      + "WHERE id = ANY($1) AND created_at = ANY($2)";
  // SQLite: one table, no partitions to prune (PostgreSQL: PartitionedReads).
  private static final String HISTORY_BEFORE = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE channel_id = #{channelId} "
      + "AND thread_root_id IS NULL AND seq < #{seq} ORDER BY seq DESC LIMIT #{limit}";
  private static final String HISTORY_AFTER = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE channel_id = #{channelId} "
      + "AND thread_root_id IS NULL AND seq > #{seq} ORDER BY seq LIMIT #{limit}";
  private static final String THREAD = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE thread_root_id = #{rootId} "
      + "AND seq > #{after} ORDER BY seq LIMIT #{limit}";
  private static final String PINS = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE channel_id = #{channelId} "
      + "AND pinned_at IS NOT NULL AND deleted_at IS NULL ORDER BY pinned_at DESC LIMIT 100";
  private static final String EDIT_BODY = "UPDATE messages SET body = #{body}, sealed = #{sealed}, mentions = #{mentions}, "
      + "edit_count = edit_count + 1, edited_at = #{now} WHERE id = #{id} AND created_at = #{createdAt} "
      + "AND deleted_at IS NULL";
  private static final String TOMBSTONE = "UPDATE messages SET body = NULL, mentions = '', deleted_at = #{now} "
      + "WHERE id = #{id} AND created_at = #{createdAt}";
  private static final String DROP_REPLY = "UPDATE messages SET reply_count = reply_count - 1 "
      + "WHERE id = #{id} AND created_at = #{createdAt} AND reply_count > 0";
  private static final String BUMP_REPLIES = "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = #{now} "
      + "WHERE id = #{id} AND created_at = #{createdAt}";
  private static final String SET_PIN = "UPDATE messages SET pinned_at = #{pinnedAt}, pinned_by = #{pinnedBy} "
      + "WHERE id = #{id} AND created_at = #{createdAt}";

  private static final String INSERT_CLIENT_ID = "INSERT INTO message_client_ids (sender_id, client_id, message_id, "
      + "channel_id, created_at) VALUES (#{senderId}, #{clientId}, #{messageId}, #{channelId}, #{now}) ON CONFLICT DO NOTHING";
  private static final String CLIENT_ID = "SELECT message_id, channel_id FROM message_client_ids "
      + "WHERE sender_id = #{senderId} AND client_id = #{clientId}";

  private static final String INSERT_EDIT = "INSERT INTO message_edits (message_id, version, body, sealed, replaced_at) "
      + "VALUES (#{messageId}, #{version}, #{body}, #{sealed}, #{now})";
  private static final String EDITS = "SELECT version, body, sealed, replaced_at FROM message_edits "
      + "WHERE message_id = #{messageId} ORDER BY version";
  private static final String DELETE_EDITS = "DELETE FROM message_edits WHERE message_id = #{messageId}";

  private static final String ADD_REACTION = "INSERT INTO reactions (message_id, user_id, emoji, channel_id, created_at) "
      + "VALUES (#{messageId}, #{userId}, #{emoji}, #{channelId}, #{now}) ON CONFLICT DO NOTHING";
  private static final String REMOVE_REACTION = "DELETE FROM reactions WHERE message_id = #{messageId} "
      + "AND user_id = #{userId} AND emoji = #{emoji}";
  // A page's counts in one statement. reactions is not partitioned on either store (V1), and its key
  // (message_id, emoji, user_id) gives one index range per message.
  private static final String REACTION_COUNTS_SQLITE = "SELECT message_id, emoji, COUNT(*) AS n FROM reactions "
      + "WHERE message_id IN (%s) GROUP BY message_id, emoji ORDER BY message_id, emoji";
  private static final String REACTION_COUNTS_PG = "SELECT message_id, emoji, COUNT(*) AS n FROM reactions "
      + "WHERE message_id = ANY($1) GROUP BY message_id, emoji ORDER BY message_id, emoji";

  private static final String SEARCH_SQLITE = "SELECT " + prefixed("m") + " FROM messages m "
      + "JOIN channel_members cm ON cm.channel_id = m.channel_id AND cm.user_id = #{userId} "
      + "WHERE m.deleted_at IS NULL AND m.id < #{before} AND m.id IN (SELECT message_id FROM message_terms "
      + "WHERE term IN (%s) GROUP BY message_id HAVING COUNT(*) = %d) ORDER BY m.id DESC LIMIT #{limit}";

  private final Database db;
  private final PartitionedReads partitioned;
  /** Search joins channel_members, an access decision: it reads the primary, never a lagging replica. */
  private final PartitionedReads partitionedOnPrimary;

  ChatStore(Database db) {
    this.db = db;
    this.partitioned = new PartitionedReads(db.lagTolerantReader(), System::currentTimeMillis);
    this.partitionedOnPrimary = new PartitionedReads(db.reader(), System::currentTimeMillis);
  }

  /** @return the PostgreSQL reads of history, threads and search */
  PartitionedReads partitionedReads() {
    return partitioned;
  }

  Database database() {
    return db;
  }

  Dialect dialect() {
    return db.dialect();
  }

  // ---- channels

  Future<Void> insertChannel(SqlClient c, Channel ch, Optional<String> dmKey) {
    Map<String, Object> p = params("id", ch.id(), "kind", ch.kind().value(), "topic", ch.topic(), "createdBy", ch.createdBy());
    p.put("name", ch.name().orElse(null));
    p.put("nameKey", ch.name().map(String::toLowerCase).orElse(null));
    p.put("dmKey", dmKey.orElse(null));
    return update(c, INSERT_CHANNEL, p);
  }

  Future<Optional<Channel>> channel(SqlClient c, String id) {
    return one(c, CHANNEL_BY_ID, params("id", id)).map(r -> r.map(ChatStore::channel));
  }

  /**
   * Reads the channel and, on PostgreSQL, locks its row until the transaction ends, so that every
   * write to one channel (checks included) runs one after another, on any node. SQLite's single
   * writer already serialises them.
   */
  Future<Optional<Channel>> lockChannel(SqlClient c, String id) {
    String sql = db.dialect() == Dialect.POSTGRESQL ? CHANNEL_FOR_UPDATE : CHANNEL_BY_ID;
    return one(c, sql, params("id", id)).map(r -> r.map(ChatStore::channel));
  }

  /** A channel and, if they are a member, one user's membership. */
  record ChannelMember(Channel channel, Optional<Member> member) {
  }

  /**
   * {@link #lockChannel}, then the user's membership, read after the lock. On SQLite one statement:
   * its single writer, held from BEGIN IMMEDIATE, lets nothing change either. On PostgreSQL two: a
   * join locked FOR UPDATE OF the channel reads the membership as it was when the statement began,
   * before it waited for the lock, so it would miss a removal committed by the lock's holder.
   */
  Future<Optional<ChannelMember>> lockChannelWithMember(SqlClient c, String id, String userId) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      return lockChannel(c, id).compose(channel -> channel.isEmpty() ? Future.succeededFuture(Optional.empty())
          : member(c, id, userId).map(me -> Optional.of(new ChannelMember(channel.get(), me))));
    }
    return one(c, CHANNEL_WITH_MEMBER_SQLITE, params("id", id, "userId", userId)).map(r -> r.map(row ->
        new ChannelMember(channel(row), row.getString("user_id") == null ? Optional.empty() : Optional.of(member(row)))));
  }

  Future<Optional<Channel>> channelByDmKey(SqlClient c, String dmKey) {
    return one(c, CHANNEL_BY_DM_KEY, params("dmKey", dmKey)).map(r -> r.map(ChatStore::channel));
  }

  /** A channel in the caller's list, with their read state. */
  record MyChannel(Channel channel, long lastReadSeq, int mentions, long unread) {
    JsonObject toJson() {
      return channel.toJson().put("lastReadSeq", lastReadSeq).put("unread", unread).put("mentions", mentions);
    }
  }

  Future<List<MyChannel>> myChannels(String userId) {
    return SqlTemplate.forQuery(db.reader(), MY_CHANNELS).execute(params("userId", userId)).map(rows -> rows(rows).stream()
        .map(r -> new MyChannel(channel(r), r.getLong("last_read_seq"), r.getInteger("mention_count"),
            r.getLong("unread"))).toList());
  }

  Future<List<Channel>> browsable(String after, int limit) {
    Map<String, Object> p = params("after", after);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.reader(), BROWSABLE).execute(p).map(rows -> rows(rows).stream().map(ChatStore::channel).toList());
  }

  Future<Void> updateChannel(SqlClient c, String id, String topic, Optional<Instant> archivedAt) {
    Map<String, Object> p = params("id", id, "topic", topic);
    p.put("archivedAt", archivedAt.map(Instant::toEpochMilli).orElse(null));
    return update(c, UPDATE_CHANNEL, p);
  }

  /** Takes the channel's next seq; the row stays locked (PostgreSQL) or the writer held (SQLite) until commit. */
  Future<Long> nextSeq(SqlClient c, String channelId) {
    return SqlTemplate.forQuery(c, NEXT_SEQ).execute(params("id", channelId)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        throw new IllegalStateException("no channel " + channelId);
      }
      return it.next().getLong("last_seq");
    });
  }

  Future<Void> insertEvent(SqlClient c, ChatEvent e) {
    Map<String, Object> p = params("channelId", e.channelId(), "seq", e.seq(), "kind", e.kind(), "actorId", e.actorId(),
        "payload", e.payload().encode());
    return update(c, INSERT_EVENT, p);
  }

  // ---- members

  Future<Optional<Member>> member(SqlClient c, String channelId, String userId) {
    return one(c, MEMBER, params("channelId", channelId, "userId", userId)).map(r -> r.map(ChatStore::member));
  }

  Future<List<Member>> members(String channelId) {
    return SqlTemplate.forQuery(db.reader(), MEMBERS).execute(params("channelId", channelId))
        .map(rows -> rows(rows).stream().map(ChatStore::member).toList());
  }

  Future<Void> insertMember(SqlClient c, String channelId, String userId, Member.Role role, long lastReadSeq) {
    Map<String, Object> p = params("channelId", channelId, "userId", userId, "role", role.value());
    p.put("lastReadSeq", lastReadSeq);
    return update(c, INSERT_MEMBER, p);
  }

  Future<Void> deleteMember(SqlClient c, String channelId, String userId) {
    return update(c, DELETE_MEMBER, params("channelId", channelId, "userId", userId));
  }

  Future<Void> setRole(SqlClient c, String channelId, String userId, Member.Role role) {
    return update(c, SET_ROLE, params("channelId", channelId, "userId", userId, "role", role.value()));
  }

  Future<Boolean> markRead(SqlClient c, String channelId, String userId, long seq) {
    Map<String, Object> p = params("channelId", channelId, "userId", userId);
    p.put("seq", seq);
    return SqlTemplate.forUpdate(c, MARK_READ).execute(p).map(r -> r.rowCount() == 1);
  }

  /**
   * Counts a mention for each of the users who is a member of the channel (only members' mentions count).
   *
   * @param userIds at most {@link Limits#MAX_MENTIONS}
   * @return those members
   */
  Future<Set<String>> countMentions(SqlClient c, String channelId, List<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Future<RowSet<Row>> rows;
    if (db.dialect() == Dialect.POSTGRESQL) {
      rows = c.preparedQuery(MENTION_SOME_PG).execute(Tuple.from(new Object[] {channelId, userIds.toArray(new String[0])}));
    } else {
      Map<String, Object> p = params("channelId", channelId);
      rows = SqlTemplate.forQuery(c, String.format(MENTION_SOME_SQLITE, inList(p, "u", userIds))).execute(p);
    }
    return rows.map(members -> {
      Set<String> ids = new HashSet<>();
      members.forEach(r -> ids.add(r.getString("user_id")));
      return ids;
    });
  }

  Future<Void> countChannelMention(SqlClient c, String channelId, String senderId) {
    return update(c, MENTION_ALL, params("channelId", channelId, "senderId", senderId));
  }

  // ---- messages

  /** A message row as stored: the body still sealed (or plain when encryption is off). */
  record Stored(Message message, boolean sealed) {
  }

  /**
   * Stores a new message and its event at the channel's next seq: one statement on PostgreSQL; on
   * SQLite the seq, the message, its terms and the event.
   *
   * @param draft   the message at any seq: it takes the next
   * @param created its event, in its channel and by its sender, at any seq: it takes the same
   * @return the message at its seq
   */
  Future<Message> insertNewMessage(SqlClient c, Message draft, String storedBody, boolean sealed, List<String> terms,
                                   ChatEvent created) {
    String mentions = String.join(" ", draft.mentions());
    if (db.dialect() == Dialect.POSTGRESQL) {
      return c.preparedQuery(INSERT_NEW_MESSAGE_PG).execute(Tuple.from(new Object[] {draft.id(), draft.channelId(),
          draft.senderId(), draft.threadRootId().orElse(null), storedBody, sealed ? 1 : 0, mentions,
          draft.createdAt().toEpochMilli(), terms.toArray(new String[0]), created.kind(), created.payload().encode(),
          System.currentTimeMillis()})).map(rows -> draft.atSeq(rows.iterator().next().getLong("seq")));
    }
    return nextSeq(c, draft.channelId()).compose(seq -> {
      Message m = draft.atSeq(seq);
      Map<String, Object> p = params("id", m.id(), "channelId", m.channelId(), "seq", seq, "senderId", m.senderId(),
          "body", storedBody, "sealed", sealed ? 1 : 0, "mentions", mentions, "createdAt", m.createdAt().toEpochMilli());
      p.put("threadRootId", m.threadRootId().orElse(null));
      return update(c, INSERT_MESSAGE_SQLITE, p)
          .compose(v -> insertTermsSqlite(c, m.id(), terms))
          .compose(v -> insertEvent(c, new ChatEvent(created.channelId(), seq, created.kind(), created.actorId(),
              created.payload())))
          .map(m);
    });
  }

  Future<Void> replaceTerms(SqlClient c, String messageId, Instant createdAt, List<String> terms) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      return c.preparedQuery(SET_TERMS_PG).execute(Tuple.of(terms.toArray(new String[0]), messageId,
          createdAt.toEpochMilli())).mapEmpty();
    }
    return update(c, DELETE_TERMS_SQLITE, params("id", messageId)).compose(v -> insertTermsSqlite(c, messageId, terms));
  }

  /**
   * A message has at most {@link org.ultrachat.platform.search.BlindIndex#MAX_DOCUMENT_TOKENS} (512)
   * terms: 513 parameters, far below SQLite's 32766, and a VALUES list has no row limit of its own.
   */
  private static Future<Void> insertTermsSqlite(SqlClient c, String messageId, List<String> terms) {
    if (terms.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> rows = new ArrayList<>(terms.size());
    Map<String, Object> p = params("messageId", messageId);
    for (int i = 0; i < terms.size(); i++) {
      rows.add("(#{t" + i + "}, #{messageId})");
      p.put("t" + i, terms.get(i));
    }
    return update(c, String.format(INSERT_TERMS_SQLITE, String.join(", ", rows)), p);
  }

  Future<Optional<Stored>> message(SqlClient c, String id) {
    Map<String, Object> p = params("id", id);
    p.put("createdAt", Ids.timeOf(id));
    return one(c, MESSAGE_BY_ID, p).map(r -> r.map(ChatStore::stored));
  }

  /**
   * Several messages by id in one statement (a replay's worth: bounded by its page size).
   *
   * @return the messages found, by id
   */
  Future<Map<String, Stored>> messages(SqlClient c, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Future<RowSet<Row>> rows;
    if (db.dialect() == Dialect.POSTGRESQL) {
      Long[] createdAt = ids.stream().map(Ids::timeOf).distinct().toArray(Long[]::new);
      // Not Tuple.of(ids, createdAt): a Long[] second argument would be taken as its varargs array.
      rows = c.preparedQuery(MESSAGES_BY_ID_PG).execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0]))
          .addArrayOfLong(createdAt));
    } else {
      rows = idsIn(c, MESSAGES_BY_ID_SQLITE, ids);
    }
    return rows.map(found -> {
      Map<String, Stored> byId = new HashMap<>();
      found.forEach(r -> byId.put(r.getString("id"), stored(r)));
      return byId;
    });
  }

  Future<List<Stored>> history(String channelId, boolean before, long seq, int limit) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      return partitioned.history(channelId, before, seq, limit);
    }
    Map<String, Object> p = params("channelId", channelId);
    p.put("seq", seq);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.lagTolerantReader(), before ? HISTORY_BEFORE : HISTORY_AFTER).execute(p)
        .map(rows -> rows(rows).stream().map(ChatStore::stored).toList());
  }

  Future<List<Stored>> thread(String rootId, long after, int limit) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      return partitioned.thread(rootId, after, limit);
    }
    Map<String, Object> p = params("rootId", rootId);
    p.put("after", after);
    p.put("limit", limit);
    return SqlTemplate.forQuery(db.lagTolerantReader(), THREAD).execute(p).map(rows -> rows(rows).stream().map(ChatStore::stored).toList());
  }

  Future<List<Stored>> pins(String channelId) {
    return SqlTemplate.forQuery(db.reader(), PINS).execute(params("channelId", channelId))
        .map(rows -> rows(rows).stream().map(ChatStore::stored).toList());
  }

  Future<Void> editBody(SqlClient c, Message m, String storedBody, boolean sealed, List<String> mentions) {
    Map<String, Object> p = params("id", m.id(), "body", storedBody, "sealed", sealed ? 1 : 0,
        "mentions", String.join(" ", mentions));
    p.put("createdAt", m.createdAt().toEpochMilli());
    return update(c, EDIT_BODY, p);
  }

  /** Removes the body, its edit history and its search terms; the row stays as a tombstone. */
  Future<Void> tombstone(SqlClient c, Message m) {
    Map<String, Object> p = params("id", m.id());
    p.put("createdAt", m.createdAt().toEpochMilli());
    return update(c, TOMBSTONE, p)
        .compose(v -> update(c, DELETE_EDITS, params("messageId", m.id())))
        .compose(v -> replaceTerms(c, m.id(), m.createdAt(), List.of()));
  }

  /** A reply of this root was deleted: it no longer counts. */
  Future<Void> uncountReply(SqlClient c, String rootId) {
    Map<String, Object> p = params("id", rootId);
    p.put("createdAt", Ids.timeOf(rootId));
    return update(c, DROP_REPLY, p);
  }

  Future<Void> countReply(SqlClient c, Message root) {
    Map<String, Object> p = params("id", root.id());
    p.put("createdAt", root.createdAt().toEpochMilli());
    return update(c, BUMP_REPLIES, p);
  }

  Future<Void> setPin(SqlClient c, Message m, Optional<String> pinnedBy) {
    Map<String, Object> p = params("id", m.id());
    p.put("createdAt", m.createdAt().toEpochMilli());
    p.put("pinnedAt", pinnedBy.map(x -> System.currentTimeMillis()).orElse(null));
    p.put("pinnedBy", pinnedBy.orElse(null));
    return update(c, SET_PIN, p);
  }

  // ---- client ids, edits, reactions

  /** @return whether this call claimed the client id (false: a message already carries it) */
  Future<Boolean> claimClientId(SqlClient c, String senderId, String clientId, String messageId, String channelId) {
    return SqlTemplate.forUpdate(c, INSERT_CLIENT_ID).execute(params("senderId", senderId, "clientId", clientId,
        "messageId", messageId, "channelId", channelId)).map(r -> r.rowCount() == 1);
  }

  Future<Optional<String>> messageForClientId(SqlClient c, String senderId, String clientId) {
    return one(c, CLIENT_ID, params("senderId", senderId, "clientId", clientId)).map(r -> r.map(x -> x.getString("message_id")));
  }

  Future<Void> insertEdit(SqlClient c, String messageId, int version, String storedBody, boolean sealed) {
    return update(c, INSERT_EDIT, params("messageId", messageId, "version", version, "body", storedBody,
        "sealed", sealed ? 1 : 0));
  }

  /** An earlier body of a message, still sealed. */
  record StoredEdit(int version, String body, boolean sealed, Instant replacedAt) {
  }

  Future<List<StoredEdit>> edits(String messageId) {
    return SqlTemplate.forQuery(db.reader(), EDITS).execute(params("messageId", messageId)).map(rows -> rows(rows).stream()
        .map(r -> new StoredEdit(r.getInteger("version"), r.getString("body"), r.getInteger("sealed") == 1,
            Instant.ofEpochMilli(r.getLong("replaced_at")))).toList());
  }

  /** @return whether anything changed */
  Future<Boolean> react(SqlClient c, String channelId, String messageId, String userId, String emoji, boolean add) {
    Map<String, Object> p = params("channelId", channelId, "messageId", messageId, "userId", userId, "emoji", emoji);
    return SqlTemplate.forUpdate(c, add ? ADD_REACTION : REMOVE_REACTION).execute(p).map(r -> r.rowCount() == 1);
  }

  Future<Map<String, Integer>> reactionCounts(SqlClient c, String messageId) {
    return reactionCounts(c, List.of(messageId)).map(all -> all.getOrDefault(messageId, Map.of()));
  }

  /**
   * The reaction counts of several messages in one statement.
   *
   * @return per message id that has reactions, its counts by emoji in emoji order; messages without
   *     reactions are absent
   */
  Future<Map<String, Map<String, Integer>>> reactionCounts(SqlClient c, List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Future<RowSet<Row>> rows;
    if (db.dialect() == Dialect.POSTGRESQL) {
      rows = c.preparedQuery(REACTION_COUNTS_PG).execute(Tuple.of(messageIds.toArray(new String[0])));
    } else {
      // A page is at most Limits.MAX_PAGE messages (and a thread's root): far below SQLite's 32766 parameters.
      rows = idsIn(c, REACTION_COUNTS_SQLITE, messageIds);
    }
    return rows.map(found -> {
      Map<String, Map<String, Integer>> counts = new HashMap<>();
      found.forEach(r -> counts.computeIfAbsent(r.getString("message_id"), id -> new LinkedHashMap<>())
          .put(r.getString("emoji"), r.getInteger("n")));
      return counts;
    });
  }

  /** Runs an SQLite query whose {@code IN (%s)} takes one parameter per id. */
  private static Future<RowSet<Row>> idsIn(SqlClient c, String sql, List<String> ids) {
    Map<String, Object> p = new HashMap<>();
    return SqlTemplate.forQuery(c, String.format(sql, inList(p, "m", ids))).execute(p);
  }

  /**
   * Adds one template parameter per value to {@code p}, named {@code prefix0}, {@code prefix1}, …
   *
   * @return their placeholders, for an SQLite {@code IN (...)}
   */
  private static String inList(Map<String, Object> p, String prefix, List<String> values) {
    List<String> names = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      names.add("#{" + prefix + i + "}");
      p.put(prefix + i, values.get(i));
    }
    return String.join(", ", names);
  }

  // ---- search

  /** @param before a message id: only older messages; empty: from the newest */
  Future<List<Stored>> search(String userId, List<String> terms, Optional<String> before, int limit) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      return partitionedOnPrimary.search(userId, terms, before, limit);
    }
    // "g" sorts after every id: no cursor.
    Map<String, Object> p = params("userId", userId, "before", before.orElse("g"));
    p.put("limit", limit);
    String sql = String.format(SEARCH_SQLITE, inList(p, "t", terms), terms.size());
    return SqlTemplate.forQuery(db.reader(), sql).execute(p)
        .map(rows -> rows(rows).stream().map(ChatStore::stored).toList());
  }

  // ---- mapping

  static String prefixed(String alias) {
    return String.join(", ", Arrays.stream(MESSAGE_COLUMNS.split(", ")).map(c -> alias + "." + c).toList());
  }

  private static Channel channel(Row r) {
    return new Channel(r.getString("id"), Channel.Kind.of(r.getString("kind")), Optional.ofNullable(r.getString("name")),
        r.getString("topic"), r.getString("created_by"), Instant.ofEpochMilli(r.getLong("created_at")),
        instant(r, "archived_at"), r.getLong("last_seq"));
  }

  private static Member member(Row r) {
    return new Member(r.getString("channel_id"), r.getString("user_id"), Member.Role.of(r.getString("role")),
        Instant.ofEpochMilli(r.getLong("joined_at")), r.getLong("last_read_seq"), r.getInteger("mention_count"));
  }

  static Stored stored(Row r) {
    String mentions = r.getString("mentions");
    Message m = new Message(r.getString("id"), r.getString("channel_id"), r.getLong("seq"), r.getString("sender_id"),
        Optional.ofNullable(r.getString("thread_root_id")), Optional.ofNullable(r.getString("body")),
        mentions == null || mentions.isEmpty() ? List.of() : List.of(mentions.split(" ")), r.getInteger("reply_count"),
        instant(r, "last_reply_at"), r.getInteger("edit_count"), instant(r, "edited_at"), instant(r, "deleted_at"),
        instant(r, "pinned_at"), Instant.ofEpochMilli(r.getLong("created_at")), Map.of());
    return new Stored(m, r.getInteger("sealed") == 1);
  }
}
