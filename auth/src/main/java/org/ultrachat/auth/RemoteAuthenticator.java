package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import org.ultrachat.platform.cluster.ClusterSecret;
import org.ultrachat.platform.cluster.InternalClient;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.JsonBody;
import org.ultrachat.platform.http.ProblemException;

/**
 * Authenticates bearer tokens on a node that does not run the auth service, by asking a node
 * that does. It caches nothing, so a revocation is seen as soon as the auth node sees it; and it
 * passes on the credentials changes it heard of in the last seconds, so an auth node whose own
 * cache has not yet heard of one forgets it before answering.
 */
final class RemoteAuthenticator implements Authenticator {
  private static final long RECENT_MS = 10_000;
  private final InternalClient client;
  private final Deque<Recent> recentChanges = new ArrayDeque<>();

  private synchronized void prune() {
    long oldest = System.currentTimeMillis() - RECENT_MS;
    while (!recentChanges.isEmpty() && recentChanges.peekFirst().at() < oldest) {
      recentChanges.removeFirst();
    }
  }

  private record Recent(long at, JsonObject change) {
  }

  RemoteAuthenticator(Vertx vertx, URI upstream, ClusterSecret secret) {
    this.client = new InternalClient(vertx, "auth", upstream, secret);
  }

  @Override
  public Future<Caller> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new ProblemException.Unauthorized("a bearer token is required"));
    }
    return authenticateToken(header.substring(7).trim());
  }

  @Override
  public Future<Caller> authenticateToken(String token) {
    JsonObject body = new JsonObject().put("token", token).put("forget", recent());
    return client.call(AuthInternalApi.AUTHENTICATE, body).map(json -> InternalRoutes.caller(JsonBody.wrap(new JsonObject().put("caller", json))));
  }

  @Override
  public synchronized void forget(JsonObject credentialsChange) {
    prune();
    // The node and its hubs may both pass the same change on.
    if (recentChanges.stream().noneMatch(r -> r.change().equals(credentialsChange))) {
      recentChanges.addLast(new Recent(System.currentTimeMillis(), credentialsChange.copy()));
    }
  }

  private synchronized JsonArray recent() {
    prune();
    JsonArray changes = new JsonArray();
    recentChanges.forEach(r -> changes.add(r.change()));
    return changes;
  }
}
