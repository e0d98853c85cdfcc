package org.ultrachat.auth;

import static org.ultrachat.auth.Accounts.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.auth.Accounts.Origin;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.audit.AuditLog.Outcome;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Ids;

/**
 * Self-service accounts: register, log in, refresh, log out, sessions, password, personal
 * access tokens. Sessions live 24 hours from login or their last renewal; a refresh inside the
 * last hour renews. Every refresh spends its token and issues a new one; presenting a spent
 * token again revokes the whole session (the token family), since only a thief or a replay
 * does that.
 */
final class AuthService {
  static final Duration SESSION_LIFETIME = Duration.ofHours(24);
  static final Duration RENEWAL_WINDOW = Duration.ofHours(1);

  private final Vertx vertx;
  private final AuthStore store;
  private final PasswordHasher hasher;
  private final AccessTokens accessTokens;
  private final Credentials credentials;
  private final AuditLog audit;
  private final RateLimiter loginLimiter;
  private final boolean openRegistration;
  private volatile String decoyHash;

  AuthService(Vertx vertx, AuthStore store, PasswordHasher hasher, AccessTokens accessTokens, Credentials credentials,
              AuditLog audit, RateLimiter loginLimiter, boolean openRegistration) {
    this.vertx = vertx;
    this.store = store;
    this.hasher = hasher;
    this.accessTokens = accessTokens;
    this.credentials = credentials;
    this.audit = audit;
    this.loginLimiter = loginLimiter;
    this.openRegistration = openRegistration;
  }

  /** What a login or refresh hands out. The refresh token is shown once and stored only hashed. */
  record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, Session session, User user) {
  }

  /** A personal access token just created: the secret is shown this once. */
  record CreatedToken(PersonalToken token, String secret) {
  }

  // ---- registration and login

  Future<User> register(String username, String displayName, String password, Origin origin) {
    if (!openRegistration) {
      return Future.failedFuture(new ProblemException.Forbidden("registration is closed; ask an administrator"));
    }
    String name = Accounts.username(username);
    Accounts.checkNewPassword(password);
    String id = Ids.newId();
    return hash(password).compose(hash -> store.database().writer().withTransaction(conn ->
            store.insertUser(conn, id, name, displayName, Role.MEMBER, Optional.of(hash))
                .compose(v -> audit.record(conn, event("auth.register", Outcome.SUCCESS, Optional.of(id),
                    Optional.of(id), origin, new JsonObject().put("username", name))))))
        .recover(e -> Future.failedFuture(Database.isUniqueViolation(e)
            ? new ProblemException.Conflict("the username '" + name + "' is taken") : e))
        .compose(v -> store.userById(store.database().writer(), id)).map(Optional::orElseThrow);
  }

  Future<Tokens> login(String username, String password, Origin origin) {
    String name = username.toLowerCase(Locale.ROOT);
    if (password.length() > PasswordHasher.MAX_PASSWORD_CHARS * 2) {
      return Future.failedFuture(new ProblemException.BadInput("the password is too long"));
    }
    return loginLimiter.acquire("login:" + name).compose(decision -> {
      if (!decision.allowed()) {
        return audit.record(event("auth.login", Outcome.DENIED, Optional.empty(), Optional.of(name), origin,
                new JsonObject().put("reason", "too many attempts for this account")))
            .compose(v -> Future.failedFuture(new ProblemException.TooManyRequests(
                "too many login attempts for this account; try again later", decision.retryAfterSeconds())));
      }
      return store.userByName(name).compose(user -> checkPassword(user, password).compose(ok -> {
        if (!ok) {
          return audit.record(event("auth.login", Outcome.FAILURE, user.map(User::id), Optional.of(name), origin,
                  new JsonObject().put("reason", "wrong username or password")))
              .compose(v -> Future.failedFuture(new ProblemException.Unauthorized("wrong username or password")));
        }
        User u = user.orElseThrow();
        if (u.disabled()) {
          return audit.record(event("auth.login", Outcome.DENIED, Optional.of(u.id()), Optional.of(u.id()), origin,
                  new JsonObject().put("reason", "account disabled")))
              .compose(v -> Future.failedFuture(new ProblemException.Forbidden("the account is disabled")));
        }
        return rehashIfNeeded(u, password).compose(v -> startSession(u, origin));
      }));
    });
  }

  private Future<Boolean> checkPassword(Optional<User> user, String password) {
    Optional<String> stored = user.flatMap(User::passwordHash);
    // Unknown users and password-less accounts still pay one hash, so timing does not tell them apart.
    return decoy().compose(decoy -> vertx.executeBlocking(
        () -> hasher.verify(password, stored.orElse(decoy)) && stored.isPresent(), false));
  }

  private Future<String> decoy() {
    String d = decoyHash;
    if (d != null) {
      return Future.succeededFuture(d);
    }
    return vertx.executeBlocking(() -> hasher.hash(Secrets.random()), false).onSuccess(h -> decoyHash = h);
  }

  private Future<Void> rehashIfNeeded(User user, String password) {
    if (user.passwordHash().map(hasher::needsRehash).orElse(false)) {
      return hash(password).compose(h -> store.setPassword(store.database().writer(), user.id(), h, false));
    }
    return Future.succeededFuture();
  }

  private Future<Tokens> startSession(User user, Origin origin) {
    Instant now = Instant.now();
    Session session = new Session(Ids.newId(), user.id(), now, now, now.plus(SESSION_LIFETIME), Optional.empty(),
        user.tokenVersion(), origin.ip(), origin.userAgent());
    String refresh = Secrets.random();
    return store.database().writer().withTransaction(conn -> store.insertSession(conn, session)
            .compose(v -> store.insertRefreshToken(conn, Secrets.hash(refresh), session.id()))
            .compose(v -> audit.record(conn, event("auth.login", Outcome.SUCCESS, Optional.of(user.id()),
                Optional.of(session.id()), origin, new JsonObject()))))
        .map(v -> tokens(user, session, refresh, now));
  }

  private Tokens tokens(User user, Session session, String refresh, Instant now) {
    return new Tokens(accessTokens.issue(user, session.id(), now), now.plus(AccessTokens.LIFETIME), refresh,
        session, user);
  }

  // ---- refresh

  /** How a refresh attempt ended inside its transaction; a reuse must commit its revocation, then refuse. */
  private sealed interface Refreshed {
    record Renewed(User user, Session session, String refreshToken) implements Refreshed {
    }

    record Reused(String sessionId) implements Refreshed {
    }
  }

  Future<Tokens> refresh(String refreshToken, Origin origin) {
    String hash = Secrets.hash(refreshToken);
    Instant now = Instant.now();
    return store.database().writer().withTransaction(conn -> store.refreshToken(conn, hash).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ProblemException.Unauthorized("the refresh token is unknown"));
      }
      String sessionId = found.get().sessionId();
      if (found.get().spent()) {
        return revokeForReuse(conn, sessionId, origin);
      }
      return store.sessionById(conn, sessionId).compose(session -> {
        if (session.isEmpty() || !session.get().activeAt(now)) {
          return Future.failedFuture(new ProblemException.Unauthorized("the session has ended; log in again"));
        }
        return store.userById(conn, session.get().userId()).compose(user -> {
          if (user.isEmpty() || user.get().disabled()) {
            return Future.failedFuture(new ProblemException.Unauthorized("the account is disabled"));
          }
          if (user.get().tokenVersion() != session.get().tokenVersion()) {
            // The password or role changed after this login (perhaps while it was being checked).
            return Future.failedFuture(new ProblemException.Unauthorized("the session has ended; log in again"));
          }
          return store.spendRefreshToken(conn, hash).compose(spent -> spent
              ? renew(conn, user.get(), session.get(), origin, now)
              // Another request spent it between our read and our update: the same token was used twice.
              : revokeForReuse(conn, sessionId, origin));
        });
      });
    })).compose(outcome -> switch (outcome) {
      case Refreshed.Renewed r -> Future.succeededFuture(tokens(r.user(), r.session(), r.refreshToken(), now));
      case Refreshed.Reused r -> {
        credentials.invalidateSession(r.sessionId());
        credentials.announceSession(r.sessionId());
        yield Future.failedFuture(new ProblemException.Unauthorized(
            "this refresh token was already used; the session is revoked, log in again"));
      }
    });
  }

  private Future<Refreshed> renew(SqlConnection conn, User user, Session session, Origin origin, Instant now) {
    String next = Secrets.random();
    boolean renewing = now.isAfter(session.expiresAt().minus(RENEWAL_WINDOW));
    Session after = renewing
        ? new Session(session.id(), session.userId(), session.createdAt(), now, now.plus(SESSION_LIFETIME),
            Optional.empty(), session.tokenVersion(), origin.ip(), session.userAgent())
        : session;
    Future<Void> renewal = renewing ? store.renewSession(conn, session.id(), after.expiresAt(), origin.ip())
        : Future.succeededFuture();
    return renewal.compose(v -> store.insertRefreshToken(conn, Secrets.hash(next), session.id()))
        .compose(v -> audit.record(conn, event("auth.refresh", Outcome.SUCCESS, Optional.of(user.id()),
            Optional.of(session.id()), origin, new JsonObject().put("renewed", renewing))))
        .map(v -> new Refreshed.Renewed(user, after, next));
  }

  private Future<Refreshed> revokeForReuse(SqlConnection conn, String sessionId, Origin origin) {
    return store.sessionById(conn, sessionId).compose(session -> store.revokeSession(conn, sessionId, "refresh-reuse")
        .compose(v -> audit.record(conn, event("auth.refresh_reuse", Outcome.DENIED,
            session.map(Session::userId), Optional.of(sessionId), origin,
            new JsonObject().put("action", "session revoked"))))
        .map(v -> new Refreshed.Reused(sessionId)));
  }

  // ---- the signed-in user

  Future<Void> logout(Caller caller, Origin origin) {
    String sessionId = Accounts.requireSession(caller);
    return endSession(caller, sessionId, "logout", "auth.logout", origin);
  }

  Future<User> me(Caller caller) {
    return store.userById(caller.userId()).map(u -> u.orElseThrow(() -> new ProblemException.NotFound("no such user")));
  }

  Future<List<Session>> sessions(Caller caller) {
    Accounts.requireSession(caller);
    return store.activeSessions(caller.userId());
  }

  Future<Void> revokeSession(Caller caller, String sessionId, Origin origin) {
    Accounts.requireSession(caller);
    return store.sessionById(store.database().reader(), sessionId).compose(s -> {
      if (s.isEmpty() || !s.get().userId().equals(caller.userId())) {
        return Future.failedFuture(new ProblemException.NotFound("no such session"));
      }
      return endSession(caller, sessionId, "revoked", "auth.session_revoke", origin);
    });
  }

  private Future<Void> endSession(Caller caller, String sessionId, String reason, String action, Origin origin) {
    return store.database().writer().withTransaction(conn -> store.revokeSession(conn, sessionId, reason)
            .compose(v -> audit.record(conn, event(action, Outcome.SUCCESS, Optional.of(caller.userId()),
                Optional.of(sessionId), origin, new JsonObject()))))
        .onSuccess(v -> {
          credentials.invalidateSession(sessionId);
          credentials.announceSession(sessionId);
        });
  }

  Future<Void> changePassword(Caller caller, String current, String next, Origin origin) {
    Accounts.requireSession(caller);
    Accounts.checkNewPassword(next);
    return store.userById(caller.userId()).compose(user -> limitAttempts(user, origin, "auth.password_change")
        .compose(v -> checkPassword(user, current)).compose(ok -> {
      if (!ok) {
        return audit.record(event("auth.password_change", Outcome.FAILURE, Optional.of(caller.userId()),
                Optional.of(caller.userId()), origin, new JsonObject().put("reason", "wrong current password")))
            .compose(v -> Future.failedFuture(new ProblemException.Forbidden("the current password is wrong")));
      }
      return hash(next).compose(h -> store.database().writer().withTransaction(conn ->
          store.setPassword(conn, caller.userId(), h, true)
              .compose(v -> store.revokeUserSessions(conn, caller.userId(), "password-change"))
              .compose(v -> store.revokeUserAccessTokens(conn, caller.userId()))
              .compose(v -> audit.record(conn, event("auth.password_change", Outcome.SUCCESS,
                  Optional.of(caller.userId()), Optional.of(caller.userId()), origin, new JsonObject())))));
    })).compose(v -> forgetPersonalTokens(caller.userId()));
  }

  /** Guessing a password through password change costs the same per-account budget as login. */
  private Future<Void> limitAttempts(Optional<User> user, Origin origin, String action) {
    String name = user.map(User::username).orElse("?");
    return loginLimiter.acquire("login:" + name).compose(decision -> decision.allowed() ? Future.succeededFuture()
        : audit.record(event(action, Outcome.DENIED, user.map(User::id), user.map(User::id), origin,
                new JsonObject().put("reason", "too many attempts for this account")))
            .compose(v -> Future.failedFuture(new ProblemException.TooManyRequests(
                "too many password attempts for this account; try again later", decision.retryAfterSeconds()))));
  }

  private Future<Void> forgetPersonalTokens(String userId) {
    credentials.invalidateUser(userId);
    return store.accessTokenHashes(userId).onSuccess(hashes -> {
      hashes.forEach(credentials::invalidatePersonalToken);
      credentials.announceUser(userId);
    }).mapEmpty();
  }

  // ---- personal access tokens

  Future<CreatedToken> createToken(Caller caller, String name, Set<String> scopes, Optional<Duration> lifetime,
                                   Origin origin) {
    Accounts.requireSession(caller);
    if (!PersonalToken.SCOPES.containsAll(scopes) || scopes.isEmpty()) {
      return Future.failedFuture(new ProblemException.BadInput("'scopes' must be some of " + PersonalToken.SCOPES));
    }
    if (scopes.contains("admin") && !Role.ADMIN.value().equals(caller.role())) {
      return Future.failedFuture(new ProblemException.Forbidden("only administrators may create admin tokens"));
    }
    Instant now = Instant.now();
    PersonalToken token = new PersonalToken(Ids.newId(), caller.userId(), name, scopes, now,
        lifetime.map(now::plus), Optional.empty());
    String secret = PersonalToken.PREFIX + Secrets.random();
    return store.database().writer().withTransaction(conn -> store.insertAccessToken(conn, token, Secrets.hash(secret))
            .compose(v -> audit.record(conn, event("auth.token_create", Outcome.SUCCESS, Optional.of(caller.userId()),
                Optional.of(token.id()), origin, new JsonObject().put("name", name).put("scopes", String.join(" ", scopes))))))
        .map(v -> new CreatedToken(token, secret));
  }

  Future<List<PersonalToken>> tokens(Caller caller) {
    Accounts.requireSession(caller);
    return store.accessTokens(caller.userId());
  }

  Future<Void> revokeToken(Caller caller, String tokenId, Origin origin) {
    Accounts.requireSession(caller);
    return store.database().writer().withTransaction(conn -> store.revokeAccessToken(conn, caller.userId(), tokenId)
            .compose(revoked -> revoked
                ? audit.record(conn, event("auth.token_revoke", Outcome.SUCCESS, Optional.of(caller.userId()),
                    Optional.of(tokenId), origin, new JsonObject()))
                : Future.failedFuture(new ProblemException.NotFound("no such token"))))
        .compose(v -> store.accessTokenHashes(caller.userId()))
        .onSuccess(hashes -> {
          hashes.forEach(credentials::invalidatePersonalToken);
          credentials.announceUser(caller.userId());
        })
        .mapEmpty();
  }

  private Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hasher.hash(password), false);
  }
}
