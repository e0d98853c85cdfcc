package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ultrachat.platform.bus.Bus;
import org.ultrachat.platform.cluster.InternalRoutes;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.ratelimit.RateLimit;
import org.ultrachat.platform.service.NodePlan;
import org.ultrachat.platform.service.ServiceContext;
import org.ultrachat.platform.service.ServiceModule;

/**
 * The auth service through the service contract: accounts, sessions and tokens. It provides
 * the {@link Authenticator} the edge runs on protected routes and the {@link UserDirectory}
 * other services ask, and, for the CLI, {@link Running} itself. Everything else in this module is
 * package-private.
 */
public final class AuthModule implements ServiceModule {
  public static final String NAME = "auth";
  /** How often a node re-reads signing keys, to adopt a rotation made by another process. */
  static final Duration KEY_RELOAD_INTERVAL = Duration.ofSeconds(60);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting> settings() {
    return AuthSettings.ALL;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<String> publicPaths() {
    return List.of("/v1/auth/*", "/v1/me", "/v1/me/*", "/v1/users", "/v1/admin/*", "/.well-known/jwks.json");
  }

  @Override
  public void check(NodePlan plan) {
    // A gateway passes the service's routes on; a chat node without auth asks auth for tokens and users.
    if (plan.reaches(NAME) && (!(plan.runs("gateway") || plan.runs("chat")) || plan.runs(NAME))) {
      throw new ConfigException("upstream-auth is for a node that runs the gateway (or, for auth, chat) without the "
          + "auth service");
    }
  }

  @Override
  public Future<Running> start(ServiceContext context) {
    Vertx vertx = context.vertx();
    Config config = context.config();
    AuthStore store = new AuthStore(context.database());
    PasswordHasher hasher = new PasswordHasher(config.integer(AuthSettings.PASSWORD_HASH_MEMORY_KIB),
        config.integer(AuthSettings.PASSWORD_HASH_ITERATIONS), config.integer(AuthSettings.PASSWORD_HASH_PARALLELISM));
    SigningKeys keys = new SigningKeys(vertx, context.database(), context.protection());
    AccessTokens accessTokens = new AccessTokens(keys);
    Credentials credentials = new Credentials(vertx, store, context.caches(), context.bus());
    AuthService service = new AuthService(vertx, store, hasher, accessTokens, credentials, context.audit(),
        context.limiters().create("login", RateLimit.of(config, AuthSettings.RATE_LIMIT_LOGIN)),
        config.string(AuthSettings.REGISTRATION).equals("open"));
    UserAdministration administration = new UserAdministration(vertx, store, hasher, credentials, context.audit());
    Directory directory = new Directory(store, credentials);
    return keys.start().map(v -> {
      vertx.setPeriodic(KEY_RELOAD_INTERVAL.toMillis(), id -> keys.reload());
      Running running = new Running(keys, new AuthApi(service, administration, keys, directory),
          new TokenAuthenticator(accessTokens, credentials), administration, directory);
      context.capabilities().provide(Authenticator.class, running.authenticator);
      context.capabilities().provide(UserDirectory.class, directory);
      context.capabilities().provide(Running.class, running);
      return running;
    });
  }

  /** Without auth here, a node checks tokens and looks users up on an auth node. */
  @Override
  public Optional<Remote> remote() {
    return Optional.of((context, origin) -> {
      RemoteAuthenticator authenticator = new RemoteAuthenticator(context.vertx(), origin, context.secret().orElseThrow());
      context.bus().subscribe(Bus.CREDENTIALS_TOPIC, authenticator::forget);
      context.capabilities().provide(Authenticator.class, authenticator);
      context.capabilities().provide(UserDirectory.class,
          new RemoteUserDirectory(context.vertx(), origin, context.secret().orElseThrow()));
    });
  }

  /** The auth service running on this node, with the operations the CLI needs. */
  public static final class Running implements ServiceModule.Running {
    private final SigningKeys keys;
    private final AuthApi api;
    private final TokenAuthenticator authenticator;
    private final UserAdministration administration;
    private final UserDirectory directory;

    private Running(SigningKeys keys, AuthApi api, TokenAuthenticator authenticator,
                    UserAdministration administration, UserDirectory directory) {
      this.keys = keys;
      this.api = api;
      this.authenticator = authenticator;
      this.administration = administration;
      this.directory = directory;
    }

    @Override
    public List<ApiRoutes.Mount> routes() {
      return List.of(api);
    }

    @Override
    public void internalRoutes(InternalRoutes routes) {
      AuthInternalApi.routes(routes, authenticator, directory);
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
}
