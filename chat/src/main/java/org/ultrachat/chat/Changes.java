package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import org.ultrachat.platform.bus.Bus;

/** Records a change in the channel's stream (next seq, same transaction) and publishes it once committed. */
final class Changes {
  private Changes() {
  }

  static Future<ChatEvent> record(ChatStore store, SqlClient conn, String channelId, String kind, String actorId,
                                  JsonObject payload) {
    return store.nextSeq(conn, channelId).compose(seq -> {
      ChatEvent event = new ChatEvent(channelId, seq, kind, actorId, payload);
      return store.insertEvent(conn, event).map(event);
    });
  }

  static void publish(Bus bus, List<ChatEvent> events) {
    for (ChatEvent e : events) {
      bus.publish(Bus.channelTopic(e.channelId()), e.toJson());
    }
  }
}
