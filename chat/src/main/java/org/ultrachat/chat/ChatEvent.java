package org.ultrachat.chat;

import io.vertx.core.json.JsonObject;

/**
 * One entry of a channel's event stream: what changed, in the order of {@code seq}. Stored in
 * {@code channel_events} in the same transaction as the change, then published on the bus.
 * The payload names what changed; bus events may add what a reader needs (the message itself).
 */
record ChatEvent(String channelId, long seq, String kind, String actorId, JsonObject payload) {
  /** @return the event as published on the bus */
  JsonObject toJson() {
    return payload.copy().put("type", kind).put("channelId", channelId).put("seq", seq).put("actorId", actorId);
  }
}
