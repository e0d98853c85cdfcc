package org.ultrachat.chat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** A conversation: public or private channel, direct message between two users, or group DM. */
record Channel(String id, Kind kind, Optional<String> name, String topic, String createdBy, Instant createdAt,
               Optional<Instant> archivedAt, long lastSeq) {

  enum Kind {
    PUBLIC, PRIVATE, DIRECT, GROUP;

    String value() {
      return name().toLowerCase();
    }

    static Kind of(String value) {
      return valueOf(value.toUpperCase());
    }
  }

  boolean archived() {
    return archivedAt.isPresent();
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("kind", kind.value()).put("name", name.orElse(null)).put("topic", topic)
        .put("createdBy", createdBy).put("createdAt", createdAt.toString())
        .put("archived", archived()).put("lastSeq", lastSeq);
  }
}
