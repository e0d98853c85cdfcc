package org.ultrachat.platform.directory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Who the users are, as other services may know them: id, username, display name, whether they
 * can act. The auth service owns users and implements this; other services get it wired in by
 * the app (in-process when co-located), never by reading the auth service's tables.
 */
public interface UserDirectory {
  /** @return the user, if there is one with this id */
  Future<Optional<UserInfo>> byId(String userId);

  /** @return the users with these usernames (lower case); unknown names are left out */
  Future<Map<String, UserInfo>> byUsernames(Collection<String> usernames);

  /** The public facts about a user. */
  record UserInfo(String id, String username, String displayName, String role, boolean disabled) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("username", username).put("displayName", displayName);
    }
  }
}
