package org.ultrachat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;
import org.ultrachat.platform.testing.TestPostgres;

/**
 * Monthly partitions of {@code messages} on PostgreSQL: the maintenance job, where rows land, and
 * that the history, thread and search queries use the indexes and prune partitions on a table of
 * 120,000 analysed rows. Each test works in months of its own, so they share one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionsIT {
  private TestPostgres pg;
  private StoreTarget target;
  private Vertx vertx;
  private Database db;

  @BeforeAll
  void start() {
    pg = TestPostgres.create();
    target = pg.target();
    Migrations.apply(target, "platform");
    Migrations.apply(target, "chat");
    vertx = Vertx.vertx();
    db = Database.open(vertx, target);
  }

  @AfterAll
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private PartitionMaintenance maintenanceAt(String instant, Database database) {
    return new PartitionMaintenance(database.writer(), Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  // ---- maintenance

  @Test
  void createsThisMonthAndTheNextThreeWithMonthBoundsInUtcMilliseconds() throws SQLException {
    List<String> created = maintenanceAt("2031-05-15T12:00:00Z", db).run().await();

    assertThat(created).containsExactly("messages_2031_05", "messages_2031_06", "messages_2031_07", "messages_2031_08");
    assertThat(bounds("messages_2031_06")).isEqualTo("FOR VALUES FROM ('" + Instant.parse("2031-06-01T00:00:00Z").toEpochMilli()
        + "') TO ('" + Instant.parse("2031-07-01T00:00:00Z").toEpochMilli() + "')");
  }

  @Test
  void aMessageLandsInThePartitionOfItsMonth() throws SQLException {
    maintenanceAt("2032-01-20T00:00:00Z", db).run().await();

    assertThat(partitionOf(insert(Instant.parse("2032-02-10T08:30:00Z")))).isEqualTo("messages_2032_02");
    assertThat(partitionOf(insert(Instant.parse("2032-03-01T00:00:00Z")))).isEqualTo("messages_2032_03");
    assertThat(partitionOf(insert(Instant.parse("2032-02-29T23:59:59.999Z")))).isEqualTo("messages_2032_02");
    String beyond = insert(Instant.parse("2032-06-01T00:00:00Z"));
    assertThat(partitionOf(beyond)).isEqualTo("messages_default");
    execute("DELETE FROM messages WHERE id = '" + beyond + "'");
  }

  @Test
  void rowsWaitingInTheDefaultPartitionMoveWhenTheirMonthIsCreated() throws SQLException {
    String first = insert(Instant.parse("2019-03-01T00:00:00Z"));
    String last = insert(Instant.parse("2019-03-31T23:59:59.999Z"));
    String other = insert(Instant.parse("2018-11-11T11:11:11Z"));
    assertThat(partitionOf(first)).isEqualTo("messages_default");

    List<String> created = maintenanceAt("2033-07-01T00:00:00Z", db).run().await();

    assertThat(created).contains("messages_2018_11", "messages_2019_03", "messages_2033_07", "messages_2033_10");
    assertThat(partitionOf(first)).isEqualTo("messages_2019_03");
    assertThat(partitionOf(last)).isEqualTo("messages_2019_03");
    assertThat(partitionOf(other)).isEqualTo("messages_2018_11");
    assertThat(count("SELECT count(*) FROM messages_default WHERE created_at < "
        + Instant.parse("2020-01-01T00:00:00Z").toEpochMilli())).isZero();
    assertThat(count("SELECT count(*) FROM messages WHERE id IN ('" + first + "', '" + last + "', '" + other + "')"))
        .isEqualTo(3);
  }

  @Test
  void runningTwiceOrFromTwoNodesAtOnceMakesEachPartitionOnce() throws Exception {
    String waiting = insert(Instant.parse("2017-08-08T08:08:08Z"));
    Database otherNode = Database.open(vertx, target);
    try (Connection blocker = pg.connect()) {
      // Hold the job's lock so that both runs queue on it, then let them go together.
      blocker.setAutoCommit(false);
      try (Statement st = blocker.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + PartitionMaintenance.LOCK_KEY + ")");
      }
      Future<List<String>> one = maintenanceAt("2034-02-02T00:00:00Z", db).run();
      Future<List<String>> two = maintenanceAt("2034-02-02T00:00:00Z", otherNode).run();
      while (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
          + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") < 2) {
        Thread.onSpinWait();
      }
      blocker.commit();

      List<String> all = new ArrayList<>(one.await());
      all.addAll(two.await());
      assertThat(all).doesNotHaveDuplicates().contains("messages_2017_08", "messages_2034_02", "messages_2034_03",
          "messages_2034_04", "messages_2034_05");
    } finally {
      otherNode.close().await();
    }
    assertThat(maintenanceAt("2034-02-02T00:00:00Z", db).run().await()).isEmpty();
    assertThat(partitionOf(waiting)).isEqualTo("messages_2017_08");
  }

  // ---- the queries on a loaded table

  private static final int ROWS = 120_000;
  private static final int CHANNELS = 20;

  @Test
  void historyThreadAndSearchUseTheIndexesAndPrunePartitions() throws SQLException {
    long now = System.currentTimeMillis();
    long start = YearMonth.now(ZoneOffset.UTC).minusMonths(5).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long step = (now - start) / ROWS;
    load(start, step);
    maintenanceAt(Instant.ofEpochMilli(now).toString(), db).run().await();
    execute("ANALYZE");
    Set<String> ours = months(start, PartitionMaintenance.startOf(YearMonth.now(ZoneOffset.UTC).plusMonths(3)));
    assertThat(partitions()).containsAll(ours);
    assertThat(count("SELECT count(*) FROM messages_default")).isZero();

    PartitionedReads reads = new ChatStore(db).partitionedReads();
    long lastSeq = ROWS / CHANNELS;
    PartitionedReads.Query newest = reads.firstHistoryQuery("c3", true, Long.MAX_VALUE, 50).await().orElseThrow();
    PartitionedReads.Query middle = reads.firstHistoryQuery("c3", true, lastSeq / 2, 50).await().orElseThrow();
    PartitionedReads.Query forward = reads.firstHistoryQuery("c3", false, lastSeq / 3, 50).await().orElseThrow();
    // Root i = 60,010 (channel 10), in the middle month; its reply is row 60,050.
    PartitionedReads.Query thread = reads.threadQuery(idOf(start + 60_010 * step, 60_010), 0, 50);
    PartitionedReads.Query search = reads.firstSearchQuery("reader", List.of("t17", "w3"), Optional.empty(), 50);

    for (PartitionedReads.Query q : List.of(newest, middle, forward, thread, search)) {
      List<JsonObject> nodes = plan(q);
      List<String> scanned = nodes.stream().map(n -> n.getString("Relation Name", "")).filter(r -> r.startsWith("messages"))
          .toList();
      assertThat(nodes).as(q.sql()).noneMatch(n -> n.getString("Node Type").equals("Seq Scan")
          && n.getString("Relation Name", "").startsWith("messages"));
      assertThat(nodes).as(q.sql()).anyMatch(n -> n.getString("Node Type").contains("Index")
          && n.getString("Index Name", "").startsWith("messages"));
      assertThat(scanned).as(q.sql()).isNotEmpty().doesNotContain("messages_default");
      // Exactly the months the query's created_at range meets: the others were pruned when planning.
      Set<String> expected = months(q.params().getLong(q.sql().contains("m.created_at") ? 3 : 2),
          q.params().getLong(q.sql().contains("m.created_at") ? 4 : 3));
      assertThat(new TreeSet<>(scanned)).as(q.sql()).isEqualTo(expected).hasSizeLessThan(ours.size() - 3);
    }
  }

  @Test
  void boundedQueriesReturnWhatTheUnboundedOnesReturn() throws SQLException {
    long start = Instant.parse("2036-01-03T00:00:00Z").toEpochMilli();
    long step = 1_800_000;
    long now = start + 3000 * step;
    // 3,000 rows over ~2 months, channel "c0".."c19" renamed apart from the other test's.
    load(start, step, 3000, "p");
    maintenanceAt(Instant.ofEpochMilli(now).toString(), db).run().await();
    PartitionedReads reads = new PartitionedReads(db.reader(), () -> now);

    int pages = 0;
    for (long seq : List.of(Long.MAX_VALUE, 100L, 3L, 149L, 0L)) {
      for (boolean before : List.of(true, false)) {
        List<String> bounded = ids(reads.history("p10", before, seq, 40).await());
        String plain = "SELECT id FROM messages WHERE channel_id = 'p10' AND thread_root_id IS NULL AND seq "
            + (before ? "< " + seq + " ORDER BY seq DESC" : "> " + seq + " ORDER BY seq") + " LIMIT 40";
        assertThat(bounded).as("before=%s seq=%s", before, seq).isEqualTo(strings(plain));
        pages += bounded.isEmpty() ? 0 : 1;
      }
    }
    assertThat(pages).isEqualTo(8);
    String root = strings("SELECT thread_root_id FROM messages WHERE channel_id = 'p10' AND thread_root_id IS NOT NULL "
        + "LIMIT 1").get(0);
    assertThat(ids(reads.thread(root, 0, 50).await()))
        .isEqualTo(strings("SELECT id FROM messages WHERE thread_root_id = '" + root + "' ORDER BY seq")).isNotEmpty();
    List<String> found = ids(reads.search("reader", List.of("t17"), Optional.empty(), 50).await());
    assertThat(found).isEqualTo(strings("SELECT m.id FROM messages m JOIN channel_members cm ON cm.channel_id = m.channel_id "
        + "AND cm.user_id = 'reader' WHERE m.deleted_at IS NULL AND m.search_terms @> ARRAY['t17'] "
        + "ORDER BY m.id DESC LIMIT 50")).isNotEmpty();
  }

  // ---- loading and reading

  private void load(long start, long step) throws SQLException {
    load(start, step, ROWS, "c");
  }

  /**
   * Messages {@code i = 0..rows-1} at {@code start + i * step}, in channel {@code prefix + i % 20}
   * with seq {@code i / 20 + 1} and an event at that seq; a reply to row {@code i - 40} when
   * {@code i % 100 = 50}; terms {@code t<i mod 1009>}, {@code w<i mod 13>} and {@code all}.
   */
  private void load(long start, long step, int rows, String prefix) throws SQLException {
    String id = "(substr(lpad(to_hex(%1$s), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(%1$s), 12, '0'), 9, 4) "
        + "|| '-7000-8000-' || lpad(to_hex(%2$s), 12, '0'))";
    String at = start + " + i * " + step;
    execute("INSERT INTO messages (id, channel_id, seq, sender_id, thread_root_id, body, sealed, mentions, search_terms, "
        + "reply_count, edit_count, created_at) SELECT " + String.format(id, at, "i") + ", '" + prefix + "' || (i % "
        + CHANNELS + "), i / " + CHANNELS + " + 1, 'u' || (i % 7), CASE WHEN i % 100 = 50 THEN "
        + String.format(id, start + " + (i - 40) * " + step, "i - 40") + " END, 'x', 0, '', "
        + "ARRAY['t' || (i % 1009), 'w' || (i % 13), 'all'], 0, 0, " + at + " FROM generate_series(0::bigint, " + (rows - 1) + ") i");
    execute("INSERT INTO channel_events (channel_id, seq, kind, actor_id, payload, created_at) SELECT '" + prefix
        + "' || (i % " + CHANNELS + "), i / " + CHANNELS + " + 1, 'message.created', 'u', '{}', " + at
        + " FROM generate_series(0::bigint, " + (rows - 1) + ") i");
    execute("INSERT INTO channels (id, kind, name, name_key, dm_key, topic, created_by, created_at, archived_at, last_seq) "
        + "SELECT '" + prefix + "' || c, 'public', NULL, NULL, NULL, '', 'u', 0, NULL, " + rows / CHANNELS
        + " FROM generate_series(0, " + (CHANNELS - 1) + ") c");
    execute("INSERT INTO channel_members (channel_id, user_id, role, joined_at, last_read_seq, mention_count) SELECT '"
        + prefix + "' || c, 'reader', 'member', 0, 0, 0 FROM generate_series(0, " + (CHANNELS - 1) + ") c");
  }

  /** @return the partitions of the months from {@code lo} to {@code hi} */
  private static Set<String> months(long lo, long hi) {
    Set<String> names = new TreeSet<>();
    YearMonth last = YearMonth.from(Instant.ofEpochMilli(hi).atZone(ZoneOffset.UTC));
    for (YearMonth m = YearMonth.from(Instant.ofEpochMilli(lo).atZone(ZoneOffset.UTC)); !m.isAfter(last); m = m.plusMonths(1)) {
      names.add(PartitionMaintenance.tableOf(m));
    }
    return names;
  }

  private static String idOf(long createdAt, long i) {
    String t = String.format("%012x", createdAt);
    return t.substring(0, 8) + "-" + t.substring(8) + "-7000-8000-" + String.format("%012x", i);
  }

  /** @return every node of the plan, depth first */
  private List<JsonObject> plan(PartitionedReads.Query q) {
    Object json = db.reader().preparedQuery("EXPLAIN (FORMAT JSON) " + q.sql()).execute(q.params()).await()
        .iterator().next().getValue(0);
    JsonObject root = new JsonArray(json.toString()).getJsonObject(0).getJsonObject("Plan");
    List<JsonObject> nodes = new ArrayList<>();
    collect(root, nodes);
    return nodes;
  }

  private static void collect(JsonObject node, List<JsonObject> into) {
    into.add(node);
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      collect(children.getJsonObject(i), into);
    }
  }

  private String insert(Instant at) throws SQLException {
    long ms = at.toEpochMilli();
    String id = new UUID((ms << 16) | 0x7000, 0x8000_0000_0000_0000L | ThreadLocalRandom.current().nextLong(1L << 62))
        .toString();
    try (Connection c = pg.connect(); PreparedStatement st = c.prepareStatement("INSERT INTO messages (id, channel_id, "
        + "seq, sender_id, body, sealed, mentions, reply_count, edit_count, created_at) "
        + "VALUES (?, 'lone', 1, 'u', 'b', 0, '', 0, 0, ?)")) {
      st.setString(1, id);
      st.setLong(2, ms);
      st.executeUpdate();
    }
    return id;
  }

  private String partitionOf(String id) throws SQLException {
    return strings("SELECT tableoid::regclass::text FROM messages WHERE id = '" + id + "'").get(0);
  }

  private String bounds(String table) throws SQLException {
    return strings("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = '" + table + "'").get(0);
  }

  private Set<String> partitions() throws SQLException {
    return new TreeSet<>(strings("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'messages'::regclass"));
  }

  private static List<String> ids(List<ChatStore.Stored> page) {
    return page.stream().map(s -> s.message().id()).toList();
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private long count(String sql) throws SQLException {
    return Long.parseLong(strings(sql).get(0));
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
