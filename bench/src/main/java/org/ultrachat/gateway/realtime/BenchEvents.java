package org.ultrachat.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Realistic bus events for the gateway microbenchmarks, shaped like {@code Messaging.published} makes them. */
final class BenchEvents {
  /** 200 characters: plain text, a mention, punctuation, one non-ASCII word and one emoji. */
  static final String BODY = ("Hey @alice, the deploy of the realtime gateway is done: p99 fan-out latency went"
      + " from 41 ms to 12 ms on the canary \uD83D\uDE80 Caf\u00e9 sync at 3 to go through the graphs? I will bring"
      + " the notes and the numbers from the load test of last night, all of them.").substring(0, 200);

  private BenchEvents() {
  }

  /** @return a {@code message.created} event with its nested message, as the bus carries it */
  static JsonObject messageCreated(String channelId, long seq) {
    String messageId = "01JH8ZK3W6Q2V9X4T7R5N1M3PB";
    String senderId = "01JH8Z9Y2B7C4D6E8F0G1H2J3K";
    JsonObject message = new JsonObject().put("id", messageId).put("channelId", channelId).put("seq", seq)
        .put("senderId", senderId).put("threadRootId", null).put("body", BODY)
        .put("mentions", new JsonArray().add("01JH8ZA1B2C3D4E5F6G7H8J9K0")).put("replyCount", 0)
        .put("lastReplyAt", null).put("edited", false).put("editedAt", null).put("deleted", false)
        .put("pinned", false).put("createdAt", "2025-01-14T09:31:07.412Z").put("reactions", new JsonObject());
    return new JsonObject().put("type", "message.created").put("channelId", channelId).put("seq", seq)
        .put("actorId", senderId).put("messageId", messageId).put("message", message);
  }
}
