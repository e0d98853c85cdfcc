package org.ultrachat.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id, echoed in the {@code X-Request-Id} response header, in problem
 * documents and in logs. A well-formed id from the client (or a proxy in front) is kept, so one
 * id follows a request across hops; anything else is replaced.
 */
final class RequestIds implements Handler<RoutingContext> {
  static final String HEADER = "X-Request-Id";
  static final String KEY = "ultrachat.requestId";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && ACCEPTED.matcher(given).matches() ? given : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** @return the request's id, or "-" before this handler ran */
  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
