package org.ultrachat.platform.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.JsonBody;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.http.Replies;

/**
 * Where a service declares the routes other nodes call on it, under {@code /internal/v1/}: what
 * a node that uses the service without running it needs (a gateway's WebSockets, a chat node's
 * token checks). Every call carries the cluster secret; the caller it names is taken as
 * authenticated, since only a node that checked the user's token holds the secret. Nodes without
 * the secret configured do not serve these routes at all.
 */
public final class InternalRoutes {
  /** Longest id (user, channel, session) an internal request may name. */
  public static final int ID = 64;
  private static final int MAX_SCOPES = 64;

  private final ApiRoutes api;
  private final Handler<RoutingContext> guard;

  public InternalRoutes(ApiRoutes api, ClusterSecret secret) {
    this.api = Objects.requireNonNull(api, "api");
    Objects.requireNonNull(secret, "secret");
    this.guard = ctx -> {
      if (secret.matches(ctx.request().getHeader("Authorization"))) {
        ctx.next();
      } else {
        ctx.fail(new ProblemException.Unauthorized("internal routes need the cluster secret"));
      }
    };
  }

  /** Declares a POST route taking and answering JSON, behind the cluster secret. */
  public void post(String path, Function<JsonBody, Future<JsonObject>> work) {
    if (!path.startsWith("/internal/v1/")) {
      throw new IllegalArgumentException("internal routes live under /internal/v1/: " + path);
    }
    api.publicRoute(HttpMethod.POST, path, guard).handler(ctx -> Replies.json(ctx, 200, work.apply(JsonBody.of(ctx))));
  }

  /** @return the caller as internal requests carry it */
  public static JsonObject callerJson(Caller caller) {
    return new JsonObject().put("userId", caller.userId()).put("role", caller.role())
        .put("sessionId", caller.sessionId().orElse(null))
        .put("scopes", new JsonArray(caller.scopes().stream().sorted().toList()));
  }

  /** @return the caller a request names in its {@code caller} object */
  public static Caller caller(JsonBody body) {
    JsonBody c = body.object("caller");
    return new Caller(c.string("userId", 1, ID), c.string("role", 1, ID), c.optionalString("sessionId", 1, ID),
        Set.copyOf(c.strings("scopes", 0, MAX_SCOPES, ID)));
  }
}
