package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.cluster.InternalClient;
import org.ultrachat.platform.seam.ChatFeed;

/** Chat's durable feed on a node without chat: each read goes to a chat node's internal routes. */
final class RemoteChatFeed implements ChatFeed {
  private final InternalClient client;

  RemoteChatFeed(Vertx vertx, URI upstream, ClusterSecret secret) {
    this.client = new InternalClient(vertx, "chat", upstream, secret);
  }

  @Override
  public Future<Page> after(String cursor, Set<String> kinds, int limit) {
    JsonObject request = new JsonObject().put("cursor", cursor).put("kinds", new JsonArray(List.copyOf(kinds)))
        .put("limit", limit);
    return client.call(ChatInternalApi.FEED, request).map(json -> {
      List<Event> events = new ArrayList<>();
      json.getJsonArray("events", new JsonArray()).forEach(e -> {
        JsonObject entry = (JsonObject) e;
        events.add(new Event(entry.getString("cursor"), entry.getJsonObject("event")));
      });
      return new Page(events, json.getString("next", cursor));
    });
  }

  @Override
  public Future<String> head() {
    return client.call(ChatInternalApi.FEED_HEAD, new JsonObject()).map(json -> json.getString("cursor"));
  }
}
