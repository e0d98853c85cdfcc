package org.ultrachat.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A personal access token's record; the token itself is shown once, at creation, and stored only hashed. */
record PersonalToken(String id, String userId, String name, Set<String> scopes, Instant createdAt,
                     Optional<Instant> expiresAt, Optional<Instant> revokedAt) {
  /** Scopes a token may carry. */
  static final Set<String> SCOPES = Set.of("read", "write", "admin");
  /** Prefix that tells personal access tokens from JWTs and makes leaked ones easy to scan for. */
  static final String PREFIX = "ucp_";

  boolean usableAt(Instant now) {
    return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("scopes", new JsonArray(new TreeSet<>(scopes).stream().toList()))
        .put("createdAt", createdAt.toString()).put("expiresAt", expiresAt.map(Instant::toString).orElse(null));
  }
}
