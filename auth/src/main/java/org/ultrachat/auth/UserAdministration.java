package org.ultrachat.auth;

import static org.ultrachat.auth.Accounts.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ultrachat.auth.Accounts.Origin;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.audit.AuditLog.Outcome;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Ids;

/**
 * What administrators (and the CLI) do to accounts: provision users in bulk, create bots,
 * change roles, disable, reset passwords, read the audit log. Every change that lowers someone's
 * rights raises their token version and revokes their sessions in the same transaction.
 */
final class UserAdministration {
  /** Most users one provisioning request may create. */
  static final int MAX_PROVISION_BATCH = 1000;

  private final Vertx vertx;
  private final AuthStore store;
  private final PasswordHasher hasher;
  private final Credentials credentials;
  private final AuditLog audit;

  UserAdministration(Vertx vertx, AuthStore store, PasswordHasher hasher, Credentials credentials, AuditLog audit) {
    this.vertx = vertx;
    this.store = store;
    this.hasher = hasher;
    this.credentials = credentials;
    this.audit = audit;
  }

  /** A user to provision. */
  record NewUser(String username, String displayName, Role role) {
  }

  /** A provisioned user or bot and its personal access token (shown once). */
  record Provisioned(User user, String token) {
  }

  /**
   * Creates users without passwords, each with a personal access token (scopes read, write),
   * in one transaction: either all are created or none. No password hash is paid, so a
   * benchmark can create many thousands.
   */
  Future<List<Provisioned>> provision(Caller admin, List<NewUser> users, Origin origin) {
    Accounts.requireAdmin(admin);
    List<NewUser> checked = users.stream().map(u -> new NewUser(Accounts.username(u.username()), u.displayName(), u.role()))
        .toList();
    if (checked.stream().anyMatch(u -> u.role() == Role.ADMIN || u.role() == Role.BOT)) {
      return Future.failedFuture(new ProblemException.BadInput("provisioned users are members or guests"));
    }
    if (checked.stream().map(NewUser::username).distinct().count() != checked.size()) {
      return Future.failedFuture(new ProblemException.BadInput("the batch names a username twice"));
    }
    return store.database().writer().withTransaction(conn -> {
      List<Provisioned> created = new ArrayList<>(checked.size());
      Future<Void> chain = Future.succeededFuture();
      for (NewUser u : checked) {
        chain = chain.compose(v -> createWithToken(conn, u, "provisioned").map(p -> {
          created.add(p);
          return null;
        }));
      }
      return chain.compose(v -> audit.record(conn, event("admin.user_provision", Outcome.SUCCESS,
          Optional.of(admin.userId()), Optional.empty(), origin, new JsonObject().put("count", checked.size()))))
          .map(v -> created);
    }).recover(UserAdministration::conflictOnDuplicate);
  }

  /** Creates a bot account and its first personal access token. */
  Future<Provisioned> createBot(Caller admin, String username, String displayName, Origin origin) {
    Accounts.requireAdmin(admin);
    NewUser bot = new NewUser(Accounts.username(username), displayName, Role.BOT);
    return store.database().writer().withTransaction(conn -> createWithToken(conn, bot, "bot")
        .compose(p -> audit.record(conn, event("admin.bot_create", Outcome.SUCCESS, Optional.of(admin.userId()),
            Optional.of(p.user().id()), origin, new JsonObject().put("username", bot.username()))).map(p)))
        .recover(UserAdministration::conflictOnDuplicate);
  }

  private Future<Provisioned> createWithToken(SqlConnection conn, NewUser u, String tokenName) {
    String id = Ids.newId();
    Instant now = Instant.now();
    PersonalToken token = new PersonalToken(Ids.newId(), id, tokenName, Set.of("read", "write"), now,
        Optional.empty(), Optional.empty());
    String secret = PersonalToken.PREFIX + Secrets.random();
    return store.insertUser(conn, id, u.username(), u.displayName(), u.role(), Optional.empty())
        .compose(v -> store.insertAccessToken(conn, token, Secrets.hash(secret)))
        .compose(v -> store.userById(conn, id))
        .map(user -> new Provisioned(user.orElseThrow(), secret));
  }

  /** Changes a user's role and/or disables or enables them. Refuses to leave no enabled admin. */
  Future<User> update(Caller admin, String userId, Optional<Role> role, Optional<Boolean> disabled, Origin origin) {
    Accounts.requireAdmin(admin);
    return store.database().writer().withTransaction(conn -> store.userById(conn, userId).compose(found -> {
      User user = found.orElseThrow(() -> new ProblemException.NotFound("no such user"));
      boolean demotes = user.role() == Role.ADMIN && !user.disabled()
          && (role.filter(r -> r != Role.ADMIN).isPresent() || disabled.orElse(false));
      Future<Void> guard = demotes ? store.activeAdmins(conn).compose(n -> n <= 1
          ? Future.failedFuture(new ProblemException.Conflict("this is the last enabled administrator"))
          : Future.succeededFuture()) : Future.succeededFuture();
      return guard
          .compose(v -> role.filter(r -> r != user.role()).map(r -> store.setRole(conn, userId, r)
              .compose(x -> audit.record(conn, event("admin.role_change", Outcome.SUCCESS, Optional.of(admin.userId()),
                  Optional.of(userId), origin, new JsonObject().put("from", user.role().value()).put("to", r.value())))))
              .orElse(Future.succeededFuture()))
          .compose(v -> disabled.filter(d -> d != user.disabled()).map(d -> store.setDisabled(conn, userId, d)
              .compose(x -> d ? store.revokeUserSessions(conn, userId, "user-disabled") : Future.<Void>succeededFuture())
              .compose(x -> audit.record(conn, event(d ? "admin.user_disable" : "admin.user_enable", Outcome.SUCCESS,
                  Optional.of(admin.userId()), Optional.of(userId), origin, new JsonObject()))))
              .orElse(Future.succeededFuture()))
          .compose(v -> store.userById(conn, userId)).map(Optional::orElseThrow);
    })).onSuccess(u -> {
      credentials.invalidateUser(userId);
      credentials.announceUser(userId);
    });
  }

  /** Sets a new password for a user; their tokens and sessions end. */
  Future<Void> resetPassword(Caller admin, String userId, String password, Origin origin) {
    Accounts.requireAdmin(admin);
    Accounts.checkNewPassword(password);
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> store.database().writer().withTransaction(conn -> store.userById(conn, userId).compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(new ProblemException.NotFound("no such user"));
          }
          return store.setPassword(conn, userId, hash, true)
              .compose(v -> store.revokeUserSessions(conn, userId, "password-reset"))
              .compose(v -> store.revokeUserAccessTokens(conn, userId))
              .compose(v -> audit.record(conn, event("admin.password_reset", Outcome.SUCCESS,
                  Optional.of(admin.userId()), Optional.of(userId), origin, new JsonObject())));
        })))
        .compose(v -> store.accessTokenHashes(userId))
        .onSuccess(hashes -> {
          credentials.invalidateUser(userId);
          hashes.forEach(credentials::invalidatePersonalToken);
          credentials.announceUser(userId);
        })
        .mapEmpty();
  }

  Future<List<User>> users(Caller admin, Optional<String> after, int limit) {
    Accounts.requireAdmin(admin);
    return store.users(after.orElse(""), limit);
  }

  Future<List<AuditLog.Entry>> audit(Caller admin, Optional<String> before, Optional<String> action, int limit) {
    Accounts.requireAdmin(admin);
    return audit.page(before, action, limit);
  }

  /** Creates a user with a password: the CLI's {@code user create}, which is how the first admin appears. */
  Future<User> createUser(String username, String displayName, String password, Role role, Origin origin) {
    String name = Accounts.username(username);
    Accounts.checkNewPassword(password);
    String id = Ids.newId();
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> store.database().writer().withTransaction(conn ->
            store.insertUser(conn, id, name, displayName, role, Optional.of(hash))
                .compose(v -> audit.record(conn, event("admin.user_create", Outcome.SUCCESS, Optional.empty(),
                    Optional.of(id), origin, new JsonObject().put("username", name).put("role", role.value()))))))
        .recover(UserAdministration::conflictOnDuplicate)
        .compose(v -> store.userById(store.database().writer(), id)).map(Optional::orElseThrow);
  }

  private static <T> Future<T> conflictOnDuplicate(Throwable e) {
    return Future.failedFuture(Database.isUniqueViolation(e)
        ? new ProblemException.Conflict("a username in the request is taken") : e);
  }
}
