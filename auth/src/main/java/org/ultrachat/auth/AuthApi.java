package org.ultrachat.auth;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ultrachat.auth.Accounts.Origin;
import org.ultrachat.platform.directory.UserDirectory;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.JsonBody;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.http.Replies;
import org.ultrachat.platform.ratelimit.ClientAddress;

/**
 * The auth service's HTTP routes. Handlers parse and validate, call {@link AuthService} or
 * {@link UserAdministration}, and write JSON; failures travel to the edge as problems.
 *
 * <p>Browsers ask for {@code "client": "browser"} at login and get the refresh token as an
 * HttpOnly, SameSite=Strict cookie scoped to the refresh route, plus a CSRF token (in the body
 * and a readable cookie) that a cookie refresh must echo in {@code X-CSRF-Token}. API clients
 * get the refresh token in the body.
 */
final class AuthApi implements ApiRoutes.Mount {
  static final String REFRESH_COOKIE = "uc_refresh";
  static final String CSRF_COOKIE = "uc_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String REFRESH_PATH = "/v1/auth/refresh";
  /** Most users one directory lookup answers. */
  static final int MAX_LOOKUP_IDS = 100;
  private static final Pattern USERNAME_PREFIX = Pattern.compile("[a-z0-9._-]{1,32}");

  private final AuthService auth;
  private final UserAdministration admin;
  private final SigningKeys keys;
  private final Directory directory;

  AuthApi(AuthService auth, UserAdministration admin, SigningKeys keys, Directory directory) {
    this.auth = auth;
    this.admin = admin;
    this.keys = keys;
    this.directory = directory;
  }

  @Override
  public void routes(ApiRoutes api) {
    api.publicRoute(HttpMethod.GET, "/.well-known/jwks.json", this::jwks);
    api.publicRoute(HttpMethod.POST, "/v1/auth/register", this::register);
    api.publicRoute(HttpMethod.POST, "/v1/auth/login", this::login);
    api.publicRoute(HttpMethod.POST, REFRESH_PATH, this::refresh);
    api.protectedRoute(HttpMethod.POST, "/v1/auth/logout", this::logout);
    api.protectedRoute(HttpMethod.GET, "/v1/me", this::me);
    api.protectedRoute(HttpMethod.POST, "/v1/me/password", this::changePassword);
    api.protectedRoute(HttpMethod.GET, "/v1/me/sessions", this::sessions);
    api.protectedRoute(HttpMethod.DELETE, "/v1/me/sessions/:sessionId", this::revokeSession);
    api.protectedRoute(HttpMethod.GET, "/v1/me/tokens", this::tokens);
    api.protectedRoute(HttpMethod.POST, "/v1/me/tokens", this::createToken);
    api.protectedRoute(HttpMethod.DELETE, "/v1/me/tokens/:tokenId", this::revokeToken);
    api.protectedRoute(HttpMethod.GET, "/v1/users", this::lookUpUsers);
    api.protectedRoute(HttpMethod.GET, "/v1/admin/users", this::users);
    api.protectedRoute(HttpMethod.POST, "/v1/admin/users", this::provision);
    api.protectedRoute(HttpMethod.PATCH, "/v1/admin/users/:userId", this::updateUser);
    api.protectedRoute(HttpMethod.POST, "/v1/admin/users/:userId/password", this::resetPassword);
    api.protectedRoute(HttpMethod.POST, "/v1/admin/bots", this::createBot);
    api.protectedRoute(HttpMethod.GET, "/v1/admin/audit", this::audit);
  }

  // ---- public

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    ctx.json(keys.jwks());
  }

  private void register(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.string("username", 2, 32);
    String password = body.string("password", 1, PasswordHasher.MAX_PASSWORD_CHARS);
    String displayName = body.optionalString("displayName", 1, 64).orElse(username);
    Replies.json(ctx, 201, auth.register(username, displayName, password, origin(ctx)).map(User::toJson));
  }

  private void login(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.string("username", 1, 64);
    String password = body.string("password", 1, PasswordHasher.MAX_PASSWORD_CHARS);
    boolean browser = body.optionalString("client", 3, 7).map(c -> switch (c) {
      case "browser" -> true;
      case "api" -> false;
      default -> throw new ProblemException.BadInput("'client' must be browser or api");
    }).orElse(false);
    auth.login(username, password, origin(ctx))
        .onSuccess(tokens -> ctx.json(tokensBody(ctx, tokens, browser)))
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    Optional<String> fromBody = hasBody ? Optional.of(JsonBody.of(ctx).string("refreshToken", 1, 128)) : Optional.empty();
    String token = fromBody.orElseGet(() -> cookieRefreshToken(ctx));
    auth.refresh(token, origin(ctx))
        .onSuccess(tokens -> ctx.json(tokensBody(ctx, tokens, fromBody.isEmpty())))
        .onFailure(e -> {
          // A refused token is dead: drop the cookies. A server fault (5xx) must not log the browser out.
          if (fromBody.isEmpty() && e instanceof ProblemException p && (p.status() == 401 || p.status() == 403)) {
            clearCookies(ctx);
          }
          ctx.fail(e);
        });
  }

  /** The refresh token from its cookie, after the double-submit CSRF check. */
  private static String cookieRefreshToken(RoutingContext ctx) {
    Cookie refresh = ctx.request().getCookie(REFRESH_COOKIE);
    if (refresh == null) {
      throw new ProblemException.Unauthorized("send the refresh token in the body or the " + REFRESH_COOKIE + " cookie");
    }
    Cookie csrf = ctx.request().getCookie(CSRF_COOKIE);
    String header = ctx.request().getHeader(CSRF_HEADER);
    if (csrf == null || header == null || !MessageDigest.isEqual(csrf.getValue().getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8))) {
      throw new ProblemException.Forbidden("the CSRF check failed: send the " + CSRF_COOKIE + " cookie value in "
          + CSRF_HEADER);
    }
    return refresh.getValue();
  }

  private static JsonObject tokensBody(RoutingContext ctx, AuthService.Tokens tokens, boolean browser) {
    JsonObject body = new JsonObject()
        .put("accessToken", tokens.accessToken())
        .put("tokenType", "Bearer")
        .put("expiresIn", AccessTokens.LIFETIME.toSeconds())
        .put("sessionId", tokens.session().id())
        .put("sessionExpiresAt", tokens.session().expiresAt().toString())
        .put("user", tokens.user().toJson());
    if (!browser) {
      return body.put("refreshToken", tokens.refreshToken());
    }
    String csrf = Secrets.random();
    long maxAge = Duration.between(Instant.now(), tokens.session().expiresAt()).toSeconds();
    boolean tls = overTls(ctx);
    ctx.response().addCookie(Cookie.cookie(REFRESH_COOKIE, tokens.refreshToken()).setPath(REFRESH_PATH)
        .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(tls).setMaxAge(maxAge));
    ctx.response().addCookie(Cookie.cookie(CSRF_COOKIE, csrf).setPath("/")
        .setSameSite(CookieSameSite.STRICT).setSecure(tls).setMaxAge(maxAge));
    return body.put("csrfToken", csrf);
  }

  /**
   * Whether the browser reached us over TLS, directly or through a proxy that says so. Trusting
   * {@code X-Forwarded-Proto} from anyone is safe here: it can only add {@code Secure}, which
   * makes a cookie stricter, never looser.
   */
  static boolean overTls(RoutingContext ctx) {
    return ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  private static void clearCookies(RoutingContext ctx) {
    ctx.response().addCookie(Cookie.cookie(REFRESH_COOKIE, "").setPath(REFRESH_PATH).setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
    ctx.response().addCookie(Cookie.cookie(CSRF_COOKIE, "").setPath("/").setSameSite(CookieSameSite.STRICT).setMaxAge(0));
  }

  // ---- the signed-in user

  private void logout(RoutingContext ctx) {
    auth.logout(caller(ctx), origin(ctx)).onSuccess(v -> {
      clearCookies(ctx);
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Replies.json(ctx, 200, auth.me(caller(ctx)).map(User::toJson));
  }

  private void changePassword(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String current = body.string("currentPassword", 1, PasswordHasher.MAX_PASSWORD_CHARS);
    String next = body.string("newPassword", 1, PasswordHasher.MAX_PASSWORD_CHARS);
    Replies.noContent(ctx, auth.changePassword(caller(ctx), current, next, origin(ctx)));
  }

  private void sessions(RoutingContext ctx) {
    Caller caller = caller(ctx);
    Replies.json(ctx, 200, auth.sessions(caller).map(list -> new JsonObject().put("sessions", new JsonArray(list.stream()
        .map(s -> s.toJson(caller.sessionId().map(s.id()::equals).orElse(false))).toList()))));
  }

  private void revokeSession(RoutingContext ctx) {
    Replies.noContent(ctx, auth.revokeSession(caller(ctx), idParam(ctx, "sessionId"), origin(ctx)));
  }

  private void tokens(RoutingContext ctx) {
    Replies.json(ctx, 200, auth.tokens(caller(ctx)).map(list -> new JsonObject()
        .put("tokens", new JsonArray(list.stream().map(PersonalToken::toJson).toList()))));
  }

  private void createToken(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", 1, 64);
    var scopes = new HashSet<>(body.strings("scopes", 1, 3, 16));
    Optional<Duration> lifetime = body.optionalLong("expiresInDays", 1, 3650).map(Duration::ofDays);
    Replies.json(ctx, 201, auth.createToken(caller(ctx), name, scopes, lifetime, origin(ctx))
        .map(created -> created.token().toJson().put("token", created.secret())));
  }

  private void revokeToken(RoutingContext ctx) {
    Replies.noContent(ctx, auth.revokeToken(caller(ctx), idParam(ctx, "tokenId"), origin(ctx)));
  }

  // ---- the user directory

  /** Names for ids (message senders, members), or usernames by prefix (new DMs, mention completion). */
  private void lookUpUsers(RoutingContext ctx) {
    String ids = ctx.request().getParam("ids");
    String q = ctx.request().getParam("q");
    if ((ids == null) == (q == null)) {
      throw new ProblemException.BadInput("give one of 'ids' (comma-separated user ids) or 'q' (a username prefix)");
    }
    Future<List<UserDirectory.UserInfo>> found;
    if (ids != null) {
      List<String> list = Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct()
          .map(id -> Replies.id(id, "ids")).toList();
      if (list.isEmpty() || list.size() > MAX_LOOKUP_IDS) {
        throw new ProblemException.BadInput("'ids' holds 1 to " + MAX_LOOKUP_IDS + " user ids");
      }
      found = directory.byIds(list);
    } else {
      if ("guest".equals(caller(ctx).role())) {
        throw new ProblemException.Forbidden("guests cannot look users up by name");
      }
      String prefix = q.strip().toLowerCase(Locale.ROOT);
      prefix = prefix.startsWith("@") ? prefix.substring(1) : prefix;
      if (!USERNAME_PREFIX.matcher(prefix).matches()) {
        throw new ProblemException.BadInput("'q' must be the start of a username: 1 to 32 of a-z, 0-9, '.', '_' or '-'");
      }
      found = directory.byPrefix(prefix, Replies.limit(ctx, MAX_LOOKUP_IDS));
    }
    Replies.json(ctx, 200, found.map(list -> new JsonObject().put("users", new JsonArray(list.stream()
        .map(u -> u.toJson().put("bot", "bot".equals(u.role())).put("deactivated", u.disabled())).toList()))));
  }

  // ---- administration

  private void users(RoutingContext ctx) {
    Optional<String> after = Optional.ofNullable(ctx.request().getParam("after")).map(a -> Replies.id(a, "after"));
    Replies.json(ctx, 200, admin.users(caller(ctx), after, Replies.limit(ctx, 200)).map(list -> new JsonObject()
        .put("users", new JsonArray(list.stream().map(User::toJson).toList()))));
  }

  private void provision(RoutingContext ctx) {
    var users = JsonBody.of(ctx).objects("users", 1, UserAdministration.MAX_PROVISION_BATCH).stream()
        .map(u -> {
          String username = u.string("username", 2, 32);
          Role role = u.optionalString("role", 1, 8).map(r -> Role.of(r)
              .orElseThrow(() -> new ProblemException.BadInput("'role' must be member or guest"))).orElse(Role.MEMBER);
          return new UserAdministration.NewUser(username, u.optionalString("displayName", 1, 64).orElse(username), role);
        }).toList();
    Replies.json(ctx, 201, admin.provision(caller(ctx), users, origin(ctx)).map(list -> new JsonObject().put("users",
        new JsonArray(list.stream().map(p -> new JsonObject().put("user", p.user().toJson()).put("token", p.token()))
            .toList()))));
  }

  private void createBot(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.string("username", 2, 32);
    String displayName = body.optionalString("displayName", 1, 64).orElse(username);
    Replies.json(ctx, 201, admin.createBot(caller(ctx), username, displayName, origin(ctx))
        .map(p -> new JsonObject().put("user", p.user().toJson()).put("token", p.token())));
  }

  private void updateUser(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    Optional<Role> role = body.optionalString("role", 1, 8)
        .map(r -> Role.of(r).orElseThrow(() -> new ProblemException.BadInput("'role' must be admin, member, guest or bot")));
    Optional<Boolean> disabled = body.optionalBoolean("disabled");
    if (role.isEmpty() && disabled.isEmpty()) {
      throw new ProblemException.BadInput("send 'role' and/or 'disabled'");
    }
    Replies.json(ctx, 200, admin.update(caller(ctx), idParam(ctx, "userId"), role, disabled, origin(ctx)).map(User::toJson));
  }

  private void resetPassword(RoutingContext ctx) {
    String password = JsonBody.of(ctx).string("newPassword", 1, PasswordHasher.MAX_PASSWORD_CHARS);
    Replies.noContent(ctx, admin.resetPassword(caller(ctx), idParam(ctx, "userId"), password, origin(ctx)));
  }

  private void audit(RoutingContext ctx) {
    Optional<String> before = Optional.ofNullable(ctx.request().getParam("before")).map(b -> Replies.id(b, "before"));
    Optional<String> action = Optional.ofNullable(ctx.request().getParam("action")).map(a -> {
      if (!a.matches("[a-z_]{1,32}\\.[a-z_]{1,32}")) {
        throw new ProblemException.BadInput("'action' must look like auth.login");
      }
      return a;
    });
    Replies.json(ctx, 200, admin.audit(caller(ctx), before, action, Replies.limit(ctx, 200)).map(list -> new JsonObject()
        .put("events", new JsonArray(list.stream().map(e -> e.toJson()).toList()))));
  }

  // ---- helpers

  private static Caller caller(RoutingContext ctx) {
    return ctx.get(Authenticator.CALLER);
  }

  static Origin origin(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    return new Origin(ClientAddress.of(ctx), agent == null ? "" : agent);
  }

  private static String idParam(RoutingContext ctx, String name) {
    return Replies.id(ctx.pathParam(name), name);
  }




}
