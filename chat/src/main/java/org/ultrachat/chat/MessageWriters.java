package org.ultrachat.chat;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.GroupCommitWriter;

/**
 * Message writes commit in groups: many sends, one transaction, each acked after its commit. On
 * PostgreSQL several writers run side by side ({@code store-write-shards}), a channel always on
 * the same one, since its changes lock the channel's row.
 */
final class MessageWriters implements Messaging.Writer {
  private final List<GroupCommitWriter> writers;

  MessageWriters(Vertx vertx, Database database, int shards, MeterRegistry registry) {
    List<GroupCommitWriter> made = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      GroupCommitWriter writer = new GroupCommitWriter(vertx, database, GroupCommitWriter.Options.DEFAULTS);
      writer.bindMetrics(registry, shards == 1 ? "messages" : "messages-" + i);
      made.add(writer);
    }
    this.writers = List.copyOf(made);
  }

  @Override
  public <T> Future<T> write(String channelId, Function<SqlConnection, Future<T>> work) {
    return writers.get(Math.floorMod(channelId.hashCode(), writers.size())).submit(work);
  }
}
