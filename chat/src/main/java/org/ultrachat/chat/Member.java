package org.ultrachat.chat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A user's membership of a channel, with their read state. */
record Member(String channelId, String userId, Role role, Instant joinedAt, long lastReadSeq, int mentionCount) {

  /** Per-channel roles. */
  enum Role {
    OWNER, ADMIN, MEMBER;

    String value() {
      return name().toLowerCase();
    }

    static Role of(String value) {
      return valueOf(value.toUpperCase());
    }
  }

  boolean manages() {
    return role == Role.OWNER || role == Role.ADMIN;
  }

  JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("role", role.value()).put("joinedAt", joinedAt.toString());
  }
}
