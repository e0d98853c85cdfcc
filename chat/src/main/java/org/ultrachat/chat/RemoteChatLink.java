package org.ultrachat.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.cluster.InternalClient;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.seam.ChatLink;

/**
 * The chat service as a gateway-only node sees it: each call goes to a node running chat, over
 * its internal routes. Events still arrive on the bus; this link carries the checks, the sends
 * and the reads that resume and catch-up need.
 */
final class RemoteChatLink implements ChatLink {
  private final InternalClient client;

  RemoteChatLink(Vertx vertx, URI upstream, ClusterSecret secret) {
    this.client = new InternalClient(vertx, "chat", upstream, secret);
  }

  @Override
  public Future<List<String>> memberChannels(String userId) {
    return client.call(ChatInternalApi.MEMBER_CHANNELS, new JsonObject().put("userId", userId))
        .map(json -> strings(json.getJsonArray("channels", new JsonArray())));
  }

  @Override
  public Future<Void> readable(Caller caller, String channelId) {
    return client.call(ChatInternalApi.READABLE, asking(caller, channelId)).mapEmpty();
  }

  @Override
  public Future<Void> member(Caller caller, String channelId) {
    return client.call(ChatInternalApi.MEMBER, asking(caller, channelId)).mapEmpty();
  }

  @Override
  public Future<Sent> send(Caller caller, String channelId, String body, String clientId,
                           Optional<String> threadRootId) {
    JsonObject request = asking(caller, channelId).put("body", body).put("clientId", clientId);
    threadRootId.ifPresent(id -> request.put("threadRootId", id));
    return client.call(ChatInternalApi.SEND, request).map(json -> {
      JsonObject message = json.getJsonObject("message");
      return new Sent(message.getLong("seq"), message.getString("id"), json.getBoolean("duplicate", false), message);
    });
  }

  @Override
  public Future<List<JsonObject>> events(String channelId, long afterSeq, int limit) {
    return client.call(ChatInternalApi.EVENTS, new JsonObject().put("channelId", channelId).put("afterSeq", afterSeq)
        .put("limit", limit)).map(json -> {
          List<JsonObject> events = new ArrayList<>();
          json.getJsonArray("events", new JsonArray()).forEach(e -> events.add((JsonObject) e));
          return events;
        });
  }

  @Override
  public Future<Long> lastSeq(String channelId) {
    return client.call(ChatInternalApi.LAST_SEQ, new JsonObject().put("channelId", channelId))
        .map(json -> json.getLong("seq", -1L));
  }

  private static JsonObject asking(Caller caller, String channelId) {
    return new JsonObject().put("caller", InternalRoutes.callerJson(caller)).put("channelId", channelId);
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }
}
