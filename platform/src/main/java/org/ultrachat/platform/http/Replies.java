package org.ultrachat.platform.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.ultrachat.platform.store.Ids;

/** What every service's handlers do at their edges: answer a future as JSON, read ids and page sizes. */
public final class Replies {
  /** Page size when the request names none. */
  public static final int DEFAULT_LIMIT = 50;

  private Replies() {
  }

  /** Answers the result as JSON with the status, or fails the request with the future's problem. */
  public static void json(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.toBuffer())).onFailure(ctx::fail);
  }

  /** Answers 204 when the future succeeds. */
  public static void noContent(RoutingContext ctx, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** @return the value when it is an id, else BadInput naming the parameter */
  public static String id(String value, String name) {
    if (!Ids.isId(value)) {
      throw new ProblemException.BadInput("'" + name + "' must be an id");
    }
    return value;
  }

  /** @return the {@code limit} query parameter, 1 to {@code max}, {@link #DEFAULT_LIMIT} when absent */
  public static int limit(RoutingContext ctx, int max) {
    String v = ctx.request().getParam("limit");
    if (v == null) {
      return Math.min(DEFAULT_LIMIT, max);
    }
    try {
      int limit = Integer.parseInt(v);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ProblemException.BadInput("'limit' must be a whole number from 1 to " + max);
  }
}
