package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;

/**
 * The edge's authenticator: a {@code Bearer} access token (JWT) or personal access token
 * ({@code ucp_...}). Beyond the signature it checks, from {@link Credentials}, that the user is
 * enabled, the token version is current (raised by password change, role change, disable) and
 * the session is neither revoked nor expired, so revocation needs no waiting for expiry.
 */
final class TokenAuthenticator implements Authenticator {
  private final AccessTokens accessTokens;
  private final Credentials credentials;

  TokenAuthenticator(AccessTokens accessTokens, Credentials credentials) {
    this.accessTokens = accessTokens;
    this.credentials = credentials;
  }

  @Override
  public Future<Caller> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 4096) {
      return refused("send 'Authorization: Bearer <token>'");
    }
    return authenticateToken(header.substring(7).trim());
  }

  @Override
  public Future<Caller> authenticateToken(String token) {
    Instant now = Instant.now();
    if (token.startsWith(PersonalToken.PREFIX)) {
      return personal(token, now);
    }
    return accessTokens.verify(token, now).compose(claims -> credentials.user(claims.userId())
        .compose(user -> {
          if (user.isEmpty() || user.get().disabled()) {
            return refused("the account is disabled");
          }
          if (user.get().tokenVersion() != claims.tokenVersion()) {
            return refused("the access token was revoked; log in again");
          }
          return credentials.session(claims.sessionId()).compose(session -> {
            if (session.isEmpty() || !session.get().activeAt(now) || !session.get().userId().equals(claims.userId())) {
              return refused("the session has ended; log in again");
            }
            return Future.succeededFuture(new Caller(user.get().id(), user.get().role().value(),
                Optional.of(claims.sessionId()), Set.of("*")));
          });
        }));
  }

  @Override
  public void forget(JsonObject credentialsChange) {
    credentials.forget(credentialsChange);
  }

  private Future<Caller> personal(String token, Instant now) {
    return credentials.personalToken(Secrets.hash(token)).compose(pat -> {
      if (pat.isEmpty() || !pat.get().usableAt(now)) {
        return refused("the access token is unknown, revoked or expired");
      }
      return credentials.user(pat.get().userId()).compose(user -> {
        if (user.isEmpty() || user.get().disabled()) {
          return refused("the account is disabled");
        }
        return Future.succeededFuture(new Caller(user.get().id(), user.get().role().value(), Optional.empty(),
            pat.get().scopes()));
      });
    });
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new ProblemException.Unauthorized(why));
  }
}
