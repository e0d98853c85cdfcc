package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.cluster.InternalClient;
import org.ultrachat.platform.directory.UserDirectory;

/**
 * The user directory of a node that runs chat without auth: each lookup asks a node running auth
 * over its internal routes. Nothing is cached here, so a disabled user is seen as the auth node
 * sees them.
 */
final class RemoteUserDirectory implements UserDirectory {
  private final InternalClient client;

  RemoteUserDirectory(Vertx vertx, URI upstream, ClusterSecret secret) {
    this.client = new InternalClient(vertx, "auth", upstream, secret);
  }

  @Override
  public Future<Optional<UserInfo>> byId(String userId) {
    return client.call(AuthInternalApi.USER_BY_ID, new JsonObject().put("userId", userId))
        .map(json -> Optional.ofNullable(json.getJsonObject("user")).map(AuthInternalApi::userInfo));
  }

  @Override
  public Future<Map<String, UserInfo>> byUsernames(Collection<String> usernames) {
    return client.call(AuthInternalApi.USERS_BY_NAME, new JsonObject().put("usernames", new JsonArray(List.copyOf(usernames))))
        .map(json -> {
          Map<String, UserInfo> found = new LinkedHashMap<>();
          JsonObject users = json.getJsonObject("users", new JsonObject());
          users.forEach(e -> found.put(e.getKey(), AuthInternalApi.userInfo((JsonObject) e.getValue())));
          return found;
        });
  }
}
