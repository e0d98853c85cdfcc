package org.ultrachat.auth;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** An account as the auth service sees it. The password hash never leaves the service. */
record User(String id, String username, String displayName, Role role, Optional<String> passwordHash,
            int tokenVersion, Optional<Instant> disabledAt, Instant createdAt) {

  boolean disabled() {
    return disabledAt.isPresent();
  }

  /** @return the public view: no hash, no token version */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("username", username).put("displayName", displayName)
        .put("role", role.value()).put("disabled", disabled()).put("createdAt", createdAt.toString());
  }
}
