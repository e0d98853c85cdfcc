package org.ultrachat.platform.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

  /**
   * Authenticates a bare bearer token, as the WebSocket handshake and its periodic re-checks do.
   *
   * @return the caller, or a future failed with {@link ProblemException.Unauthorized}
   */
  default Future<Caller> authenticateToken(String token) {
    return Future.failedFuture(new ProblemException.Unauthorized("this node has no authentication configured"));
  }

  /**
   * Forgets what this node cached about the user or session a credentials change names (a
   * {@link org.ultrachat.platform.bus.Bus#CREDENTIALS_TOPIC} event, possibly from another node),
   * so that the next check reads the store. Called before re-checking open connections.
   */
  default void forget(JsonObject credentialsChange) {
  }

  /** An authenticator for a node with no auth service: every protected route answers 401. */
  static Authenticator refuseAll() {
    return ctx -> Future.failedFuture(new ProblemException.Unauthorized("this node has no authentication configured"));
  }

  /**
   * Who made a request.
   *
   * @param userId    the user or bot id
   * @param role      global role: admin, member, guest or bot
   * @param sessionId the login session an access token belongs to; empty for personal access tokens
   * @param scopes    what the credential may do ({@code *} for a session's access token)
   */
  record Caller(String userId, String role, Optional<String> sessionId, Set<String> scopes) {
    public Caller {
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(sessionId, "sessionId");
      scopes = Set.copyOf(scopes);
    }

    /** @return whether the credential carries the scope (or all scopes) */
    public boolean hasScope(String scope) {
      return scopes.contains("*") || scopes.contains(scope);
    }
  }
}
