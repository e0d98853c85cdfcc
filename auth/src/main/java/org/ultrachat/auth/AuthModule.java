package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cache.Caches;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.ratelimit.RateLimiter;
import org.ultrachat.platform.store.Database;

/**
 * The auth service as the rest of the node sees it: its routes, the authenticator the edge
 * runs on protected routes, and the operations the CLI needs. Everything else in this module is
 * package-private.
 */
public final class AuthModule {
  /** The route patterns this service owns; a gateway without it passes these on to a node with it. */
  public static final java.util.List<String> PATHS = java.util.List.of("/v1/auth/*", "/v1/me", "/v1/me/*", "/v1/users",
      "/v1/admin/*", "/.well-known/jwks.json");
  /** How often a node re-reads signing keys, to adopt a rotation made by another process. */
  static final Duration KEY_RELOAD_INTERVAL = Duration.ofSeconds(60);

  private final SigningKeys keys;
  private final AuthApi api;
  private final TokenAuthenticator authenticator;
  private final UserAdministration administration;
  private final UserDirectory directory;

  private AuthModule(SigningKeys keys, AuthApi api, TokenAuthenticator authenticator, UserAdministration administration,
                     UserDirectory directory) {
    this.keys = keys;
    this.api = api;
    this.authenticator = authenticator;
    this.administration = administration;
    this.directory = directory;
  }

  /**
   * Wires the service and loads (or creates) its signing keys.
   *
   * @param loginLimiter the per-account login limiter ({@code rate-limit-login})
   * @param bus          where credential changes are announced
   */
  public static Future<AuthModule> start(Vertx vertx, Config config, Database db, DataProtection protection,
                                         AuditLog audit, RateLimiter loginLimiter, Caches caches, Bus bus) {
    AuthStore store = new AuthStore(db);
    PasswordHasher hasher = new PasswordHasher(config.integer(Setting.PASSWORD_HASH_MEMORY_KIB),
        config.integer(Setting.PASSWORD_HASH_ITERATIONS), config.integer(Setting.PASSWORD_HASH_PARALLELISM));
    SigningKeys keys = new SigningKeys(vertx, db, protection);
    AccessTokens accessTokens = new AccessTokens(keys);
    Credentials credentials = new Credentials(vertx, store, caches, bus);
    AuthService service = new AuthService(vertx, store, hasher, accessTokens, credentials, audit, loginLimiter,
        config.string(Setting.REGISTRATION).equals("open"));
    UserAdministration administration = new UserAdministration(vertx, store, hasher, credentials, audit);
    Directory directory = new Directory(store, credentials);
    return keys.start().map(v -> {
      vertx.setPeriodic(KEY_RELOAD_INTERVAL.toMillis(), id -> keys.reload());
      return new AuthModule(keys, new AuthApi(service, administration, keys, directory),
          new TokenAuthenticator(accessTokens, credentials), administration, directory);
    });
  }

  /** @return the routes to mount at the edge */
  public ApiRoutes.Mount routes() {
    return api;
  }

  /** @return who the users are, for other services on this node */
  public UserDirectory directory() {
    return directory;
  }

  /** @return the authenticator for protected routes */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** Adds a new signing key; tokens signed by older keys stay valid until they expire. @return its kid */
  public Future<String> rotateSigningKey() {
    return keys.rotate();
  }

  /**
   * Creates an account with a password from the command line.
   *
   * @return the public view of the user
   */
  public Future<JsonObject> createUser(String username, String displayName, String password, boolean admin) {
    return administration.createUser(username, displayName, password, admin ? Role.ADMIN : Role.MEMBER,
        new Accounts.Origin("cli", "ultrachat cli")).map(User::toJson);
  }
}
