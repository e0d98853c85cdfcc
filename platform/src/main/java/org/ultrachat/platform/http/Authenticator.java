package org.ultrachat.platform.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * Decides who is calling a protected route. The edge runs it before every protected handler;
 * the auth service supplies the real one.
 */
@FunctionalInterface
public interface Authenticator {
  /** Context key under which the authenticated {@link Caller} is stored. */
  String CALLER = "ultrachat.caller";

  /**
   * @return the caller, or a future failed with {@link ProblemException.Unauthorized}
   */
  Future<Caller> authenticate(RoutingContext ctx);

  /** An authenticator for a node with no auth service: every protected route answers 401. */
  static Authenticator refuseAll() {
    return ctx -> Future.failedFuture(new ProblemException.Unauthorized("this node has no authentication configured"));
  }

  /** Who made a request: a user or bot id and its global role. */
  record Caller(String userId, String role) {
  }
}
