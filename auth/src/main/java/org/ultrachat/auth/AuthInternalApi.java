package org.ultrachat.auth;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.JsonBody;

/**
 * The auth service's internal routes: token checks and user lookups for nodes that run the
 * gateway or chat without auth ({@link RemoteAuthenticator}, {@link RemoteUserDirectory}).
 */
final class AuthInternalApi {
  static final String AUTHENTICATE = "/internal/v1/authenticate";
  static final String USER_BY_ID = "/internal/v1/users/by-id";
  static final String USERS_BY_NAME = "/internal/v1/users/by-usernames";
  /** The most usernames one lookup takes (a message's mentions are far fewer). */
  static final int MAX_USERNAMES = 1_000;
  private static final int ID = InternalRoutes.ID;
  private static final int TOKEN = 8_192;
  private static final int MAX_CHANGES = 1_000;

  private AuthInternalApi() {
  }

  static void routes(InternalRoutes routes, Authenticator auth, UserDirectory users) {
    routes.post(AUTHENTICATE, body -> {
      // The credentials change that made the asking node re-check may not have reached this one yet.
      for (JsonBody change : body.has("forget") ? body.objects("forget", 0, MAX_CHANGES) : List.<JsonBody>of()) {
        JsonObject known = new JsonObject();
        change.optionalString("userId", 1, ID).ifPresent(u -> known.put("userId", u));
        change.optionalString("sessionId", 1, ID).ifPresent(u -> known.put("sessionId", u));
        auth.forget(known);
      }
      return auth.authenticateToken(body.string("token", 1, TOKEN)).map(InternalRoutes::callerJson);
    });
    routes.post(USER_BY_ID, body -> users.byId(body.string("userId", 1, ID))
        .map(user -> new JsonObject().put("user", user.map(AuthInternalApi::userJson).orElse(null))));
    routes.post(USERS_BY_NAME, body -> users.byUsernames(body.strings("usernames", 0, MAX_USERNAMES, ID))
        .map(found -> {
          JsonObject out = new JsonObject();
          found.forEach((name, user) -> out.put(name, userJson(user)));
          return new JsonObject().put("users", out);
        }));
  }

  static JsonObject userJson(UserDirectory.UserInfo user) {
    return user.toJson().put("role", user.role()).put("disabled", user.disabled());
  }

  static UserDirectory.UserInfo userInfo(JsonObject json) {
    JsonBody user = JsonBody.wrap(json);
    return new UserDirectory.UserInfo(user.string("id", 1, ID), user.string("username", 1, ID),
        user.optionalString("displayName", 0, TOKEN).orElse(""), user.string("role", 1, ID),
        user.optionalBoolean("disabled").orElse(false));
  }
}
