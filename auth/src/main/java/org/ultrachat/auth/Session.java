package org.ultrachat.auth;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** A login session: the family of refresh tokens issued from one login. */
record Session(String id, String userId, Instant createdAt, Instant renewedAt, Instant expiresAt,
               Optional<Instant> revokedAt, int tokenVersion, String ip, String userAgent) {

  boolean activeAt(Instant now) {
    return revokedAt.isEmpty() && now.isBefore(expiresAt);
  }

  JsonObject toJson(boolean current) {
    return new JsonObject().put("id", id).put("createdAt", createdAt.toString()).put("renewedAt", renewedAt.toString())
        .put("expiresAt", expiresAt.toString()).put("ip", ip).put("userAgent", userAgent).put("current", current);
  }
}
