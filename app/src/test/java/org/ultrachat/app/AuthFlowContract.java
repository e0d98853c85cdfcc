package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.auth.AuthSettings;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;

/**
 * The auth service end to end: a real node, real HTTP, a real store. Subclasses choose the
 * store (embedded SQLite or PostgreSQL); every test runs on both.
 */
abstract class AuthFlowContract {
  static final String PASSWORD = "correct horse battery staple";
  static final String ADMIN_PASSWORD = "admin password that is long";

  @TempDir
  Path dir;
  Node node;
  Http http;
  String adminToken;

  /** @return extra settings that choose the store; called before the node starts */
  abstract Map<Setting, String> storeSettings();

  /** Called after the node stopped. */
  void storeClosed() {
  }

  @BeforeEach
  void startNode() {
    Map<Setting, String> settings = new HashMap<>(Map.of(
        EdgeSettings.HTTP_PORT, "0",
        EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("data").toString(),
        EdgeSettings.RATE_LIMIT_AUTH, "40/15m",
        AuthSettings.RATE_LIMIT_LOGIN, "6/15m"));
    settings.putAll(storeSettings());
    node = Node.start(Config.defaults().with(settings));
    http = new Http(node.port());
    node.auth().createUser("root", "Root", ADMIN_PASSWORD, true).await();
    adminToken = login("root", ADMIN_PASSWORD).getString("accessToken");
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.stop();
    }
    storeClosed();
  }

  // ---- helpers

  JsonObject register(String username) {
    HttpResponse<String> r = http.post("/v1/auth/register",
        new JsonObject().put("username", username).put("password", PASSWORD), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  JsonObject login(String username, String password) {
    HttpResponse<String> r = http.post("/v1/auth/login",
        new JsonObject().put("username", username).put("password", password), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  HttpResponse<String> refresh(String refreshToken) {
    return http.post("/v1/auth/refresh", new JsonObject().put("refreshToken", refreshToken), null);
  }

  static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  List<JsonObject> audit(String action) {
    HttpResponse<String> r = http.get("/v1/admin/audit?limit=200&action=" + action, adminToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("events").stream().map(JsonObject.class::cast).toList();
  }

  String userId(String username) {
    HttpResponse<String> r = http.get("/v1/admin/users?limit=200", adminToken);
    return new JsonObject(r.body()).getJsonArray("users").stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("username").equals(username)).findFirst().orElseThrow().getString("id");
  }

  // ---- the flow a new user tries

  @Test
  void registerLoginCallRefreshLogout() throws Exception {
    JsonObject user = register("ada");
    assertThat(user.getString("username")).isEqualTo("ada");
    assertThat(user.containsKey("passwordHash")).isFalse();

    JsonObject tokens = login("Ada", PASSWORD);
    String access = tokens.getString("accessToken");
    SignedJWT jwt = SignedJWT.parse(access);
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    JsonObject jwks = new JsonObject(http.get("/.well-known/jwks.json").body());
    Set<String> kids = jwks.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid"))
        .collect(Collectors.toSet());
    assertThat(kids).contains(jwt.getHeader().getKeyID());
    assertThat(jwks.encode()).doesNotContain("\"d\"");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("ultrachat");
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("ultrachat-api");

    HttpResponse<String> me = http.get("/v1/me", access);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(me.body()).getString("id")).isEqualTo(user.getString("id"));

    HttpResponse<String> refreshed = refresh(tokens.getString("refreshToken"));
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    String access2 = new JsonObject(refreshed.body()).getString("accessToken");
    assertThat(new JsonObject(refreshed.body()).getString("refreshToken")).isNotEqualTo(tokens.getString("refreshToken"));
    assertThat(http.get("/v1/me", access2).statusCode()).isEqualTo(200);

    assertThat(http.send("POST", "/v1/auth/logout", null, access2).statusCode()).isEqualTo(204);
    assertProblem(http.get("/v1/me", access2), 401);
    assertProblem(http.get("/v1/me", access), 401);
    assertProblem(refresh(new JsonObject(refreshed.body()).getString("refreshToken")), 401);
  }

  @Test
  void protectedRoutesRefuseMissingAndGarbageTokens() {
    assertProblem(http.get("/v1/me"), 401);
    assertProblem(http.get("/v1/me", "not-a-jwt"), 401);
    assertProblem(http.get("/v1/me", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), 401);
  }

  // ---- refresh rotation and reuse

  @Test
  void reusingASpentRefreshTokenRevokesTheWholeSession() {
    register("bob");
    JsonObject first = login("bob", PASSWORD);
    HttpResponse<String> second = refresh(first.getString("refreshToken"));
    assertThat(second.statusCode()).isEqualTo(200);
    JsonObject secondTokens = new JsonObject(second.body());

    assertProblem(refresh(first.getString("refreshToken")), 401);

    assertProblem(refresh(secondTokens.getString("refreshToken")), 401);
    assertProblem(http.get("/v1/me", secondTokens.getString("accessToken")), 401);
    assertThat(audit("auth.refresh_reuse")).anySatisfy(e -> assertThat(e.getString("subject"))
        .isEqualTo(first.getString("sessionId")));
  }

  @Test
  void browserRefreshUsesAnHttpOnlyCookieAndNeedsTheCsrfToken() {
    register("cleo");
    HttpResponse<String> r = http.post("/v1/auth/login", new JsonObject().put("username", "cleo")
        .put("password", PASSWORD).put("client", "browser"), null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.containsKey("refreshToken")).isFalse();
    List<String> cookies = r.headers().allValues("Set-Cookie");
    String refreshCookie = cookies.stream().filter(c -> c.startsWith("uc_refresh=")).findFirst().orElseThrow();
    assertThat(refreshCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/v1/auth/refresh");
    String refreshValue = refreshCookie.substring("uc_refresh=".length(), refreshCookie.indexOf(';'));
    String csrf = body.getString("csrfToken");

    HttpResponse<String> noCsrf = http.send(http.request("/v1/auth/refresh")
        .header("Cookie", "uc_refresh=" + refreshValue + "; uc_csrf=" + csrf)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertProblem(noCsrf, 403);

    HttpResponse<String> ok = http.send(http.request("/v1/auth/refresh")
        .header("Cookie", "uc_refresh=" + refreshValue + "; uc_csrf=" + csrf).header("X-CSRF-Token", csrf)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("uc_refresh="));
  }

  // ---- revocation reaches tokens already issued

  @Test
  void disablingAUserRefusesTheirTokensAtOnce() {
    register("dan");
    String access = login("dan", PASSWORD).getString("accessToken");
    assertThat(http.get("/v1/me", access).statusCode()).isEqualTo(200);

    HttpResponse<String> r = http.send("PATCH", "/v1/admin/users/" + userId("dan"),
        new JsonObject().put("disabled", true), adminToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    assertProblem(http.get("/v1/me", access), 401);
    assertProblem(http.post("/v1/auth/login", new JsonObject().put("username", "dan").put("password", PASSWORD), null), 403);
    assertThat(audit("admin.user_disable")).isNotEmpty();
  }

  @Test
  void roleChangeAndPasswordChangeRefuseOldTokens() {
    register("eve");
    String access = login("eve", PASSWORD).getString("accessToken");
    assertThat(http.send("PATCH", "/v1/admin/users/" + userId("eve"), new JsonObject().put("role", "guest"), adminToken)
        .statusCode()).isEqualTo(200);
    assertProblem(http.get("/v1/me", access), 401);
    assertThat(audit("admin.role_change")).anySatisfy(e -> assertThat(e.getJsonObject("detail").getString("to"))
        .isEqualTo("guest"));

    String again = login("eve", PASSWORD).getString("accessToken");
    assertThat(new JsonObject(http.get("/v1/me", again).body()).getString("role")).isEqualTo("guest");
    HttpResponse<String> change = http.post("/v1/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "a brand new password"), again);
    assertThat(change.statusCode()).as(change.body()).isEqualTo(204);
    assertProblem(http.get("/v1/me", again), 401);
    assertThat(login("eve", "a brand new password").getString("accessToken")).isNotBlank();
  }

  @Test
  void revokingASessionEndsItsTokens() {
    register("fay");
    JsonObject one = login("fay", PASSWORD);
    JsonObject two = login("fay", PASSWORD);
    JsonArray sessions = new JsonObject(http.get("/v1/me/sessions", two.getString("accessToken")).body())
        .getJsonArray("sessions");
    assertThat(sessions).hasSize(2);
    HttpResponse<String> r = http.send("DELETE", "/v1/me/sessions/" + one.getString("sessionId"), null,
        two.getString("accessToken"));
    assertThat(r.statusCode()).isEqualTo(204);
    assertProblem(http.get("/v1/me", one.getString("accessToken")), 401);
    assertThat(http.get("/v1/me", two.getString("accessToken")).statusCode()).isEqualTo(200);
    assertThat(audit("auth.session_revoke")).isNotEmpty();
  }

  // ---- personal access tokens, bots, provisioning

  @Test
  void personalAccessTokensWorkUntilRevokedAndCannotMintMore() {
    register("gus");
    String access = login("gus", PASSWORD).getString("accessToken");
    HttpResponse<String> created = http.post("/v1/me/tokens", new JsonObject().put("name", "ci")
        .put("scopes", new JsonArray().add("read")), access);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String pat = new JsonObject(created.body()).getString("token");
    assertThat(pat).startsWith("ucp_");
    assertThat(http.get("/v1/me", pat).statusCode()).isEqualTo(200);
    assertProblem(http.post("/v1/me/tokens", new JsonObject().put("name", "more")
        .put("scopes", new JsonArray().add("read")), pat), 403);
    assertThat(http.get("/v1/me/tokens", access).body()).doesNotContain(pat);

    String id = new JsonObject(created.body()).getString("id");
    assertThat(http.send("DELETE", "/v1/me/tokens/" + id, null, access).statusCode()).isEqualTo(204);
    assertProblem(http.get("/v1/me", pat), 401);
  }

  @Test
  void adminProvisionsManyUsersWithTokensAndNoPasswords() {
    JsonArray users = new JsonArray();
    for (int i = 0; i < 500; i++) {
      users.add(new JsonObject().put("username", "load" + i));
    }
    HttpResponse<String> r = http.post("/v1/admin/users", new JsonObject().put("users", users), adminToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonArray created = new JsonObject(r.body()).getJsonArray("users");
    assertThat(created).hasSize(500);
    String token = created.getJsonObject(499).getString("token");
    assertThat(new JsonObject(http.get("/v1/me", token).body()).getString("username")).isEqualTo("load499");
    assertProblem(http.post("/v1/auth/login", new JsonObject().put("username", "load1").put("password", "anything at all"),
        null), 401);

    HttpResponse<String> bot = http.post("/v1/admin/bots", new JsonObject().put("username", "deploy-bot"), adminToken);
    assertThat(bot.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(http.get("/v1/me", new JsonObject(bot.body()).getString("token")).body())
        .getString("role")).isEqualTo("bot");
  }

  @Test
  void provisioningABatchWithATakenNameCreatesNothing() {
    register("taken");
    JsonArray users = new JsonArray().add(new JsonObject().put("username", "fresh1"))
        .add(new JsonObject().put("username", "taken"));
    assertProblem(http.post("/v1/admin/users", new JsonObject().put("users", users), adminToken), 409);
    assertThat(http.get("/v1/admin/users?limit=200", adminToken).body()).doesNotContain("fresh1");
  }

  @Test
  void nonAdminsCannotUseAdminRoutes() {
    register("hal");
    String access = login("hal", PASSWORD).getString("accessToken");
    assertProblem(http.get("/v1/admin/audit", access), 403);
    assertProblem(http.post("/v1/admin/users", new JsonObject().put("users",
        new JsonArray().add(new JsonObject().put("username", "x1"))), access), 403);
  }

  @Test
  void aReadOnlyTokenReadsButCannotWriteOrManageTheAccount() {
    register("mia");
    String access = login("mia", PASSWORD).getString("accessToken");
    HttpResponse<String> created = http.post("/v1/me/tokens", new JsonObject().put("name", "dashboard")
        .put("scopes", new JsonArray().add("read")), access);
    String pat = new JsonObject(created.body()).getString("token");
    String id = new JsonObject(created.body()).getString("id");
    assertThat(http.get("/v1/me", pat).statusCode()).isEqualTo(200);
    assertProblem(http.send("DELETE", "/v1/me/tokens/" + id, null, pat), 403);
    assertProblem(http.get("/v1/me/sessions", pat), 403);
    assertProblem(http.get("/v1/me/tokens", pat), 403);
    assertThat(http.get("/v1/me", pat).statusCode()).as("the token still works").isEqualTo(200);
  }

  @Test
  void personalTokensDieWithAPasswordChange() {
    register("noa");
    String access = login("noa", PASSWORD).getString("accessToken");
    String pat = new JsonObject(http.post("/v1/me/tokens", new JsonObject().put("name", "ci")
        .put("scopes", new JsonArray().add("read").add("write")), access).body()).getString("token");
    assertThat(http.get("/v1/me", pat).statusCode()).isEqualTo(200);
    HttpResponse<String> change = http.post("/v1/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "another long password"), access);
    assertThat(change.statusCode()).isEqualTo(204);
    assertProblem(http.get("/v1/me", pat), 401);
  }

  @Test
  void guessingTheCurrentPasswordIsLimitedLikeLogin() {
    register("oli");
    String access = login("oli", PASSWORD).getString("accessToken");
    int limited = 0;
    for (int i = 0; i < 7; i++) {
      HttpResponse<String> r = http.post("/v1/me/password", new JsonObject().put("currentPassword", "guess number " + i)
          .put("newPassword", "whatever new password"), access);
      if (r.statusCode() == 429) {
        limited++;
      } else {
        assertProblem(r, 403);
      }
    }
    // 6 attempts per 15 minutes per account, one spent by the login above.
    assertThat(limited).isEqualTo(2);
  }

  @Test
  void aCsrfHeaderThatDiffersFromTheCookieIsRefused() {
    register("pia");
    HttpResponse<String> r = http.post("/v1/auth/login", new JsonObject().put("username", "pia")
        .put("password", PASSWORD).put("client", "browser"), null);
    String refreshCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("uc_refresh="))
        .findFirst().orElseThrow();
    String refreshValue = refreshCookie.substring("uc_refresh=".length(), refreshCookie.indexOf(';'));
    String csrf = new JsonObject(r.body()).getString("csrfToken");
    assertProblem(http.send(http.request("/v1/auth/refresh")
        .header("Cookie", "uc_refresh=" + refreshValue + "; uc_csrf=" + csrf).header("X-CSRF-Token", csrf + "x")
        .POST(HttpRequest.BodyPublishers.noBody()).build()), 403);
  }

  @Test
  void concurrentRefreshesWithOneTokenSucceedOnce() throws Exception {
    register("quin");
    String refreshToken = login("quin", PASSWORD).getString("refreshToken");
    List<Integer> statuses = Race.all(6, i -> refresh(refreshToken).statusCode());
    assertThat(statuses.stream().filter(c -> c == 200).count()).as(statuses.toString()).isEqualTo(1);
    assertThat(statuses).allMatch(c -> c == 200 || c == 401);
  }

  // ---- rate limits

  @Test
  void loginsPerAccountAreLimitedWhateverTheAddressClaims() {
    register("ivy");
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> r = http.send(http.request("/v1/auth/login").header("Content-Type", "application/json")
          .header("X-Forwarded-For", "198.51.100." + i)
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "ivy")
              .put("password", "wrong password " + i).encode())).build());
      if (r.statusCode() == 429) {
        refused++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
      } else {
        assertThat(r.statusCode()).isEqualTo(401);
      }
    }
    assertThat(refused).as("attempts 7 and 8 of 6/15m").isEqualTo(2);
    assertThat(audit("auth.login")).anySatisfy(e -> assertThat(e.getString("outcome")).isEqualTo("denied"));
  }

  @Test
  void authEndpointsAreLimitedPerAddressAndSpoofedForwardedForDoesNotReset() {
    int limited = 0;
    for (int i = 0; i < 45; i++) {
      HttpResponse<String> r = http.send(http.request("/v1/auth/login").header("Content-Type", "application/json")
          .header("X-Forwarded-For", UUID.randomUUID().toString().substring(0, 8) + ", 203.0.113." + i)
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody" + i + "\",\"password\":\"x\"}")).build());
      if (r.statusCode() == 429) {
        limited++;
        assertProblem(r, 429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.headers().firstValue("RateLimit-Limit")).isPresent();
      }
    }
    // 40 per 15 minutes, one of which the setup's admin login spent.
    assertThat(limited).isEqualTo(45 - 39);
  }

  // ---- audit

  @Test
  void auditLogRecordsSecurityEventsWithoutSecrets() {
    register("jay");
    JsonObject t = login("jay", PASSWORD);
    http.post("/v1/auth/login", new JsonObject().put("username", "jay").put("password", "wrong password"), null);
    refresh(t.getString("refreshToken"));
    node.rotateKeys();
    HttpResponse<String> all = http.get("/v1/admin/audit?limit=200", adminToken);
    assertThat(all.statusCode()).isEqualTo(200);
    List<JsonObject> events = new JsonObject(all.body()).getJsonArray("events").stream().map(JsonObject.class::cast).toList();
    assertThat(events).extracting(e -> e.getString("action") + ":" + e.getString("outcome"))
        .contains("auth.register:success", "auth.login:success", "auth.login:failure", "auth.refresh:success",
            "keys.rotate:success");
    assertThat(events).allSatisfy(e -> assertThat(e.getString("ip")).isNotBlank());
    assertThat(all.body()).doesNotContain(PASSWORD).doesNotContain("wrong password")
        .doesNotContain(t.getString("refreshToken"));
  }

  // ---- keys

  @Test
  void keyRotationKeepsOldTokensValidAndSignsWithTheNewKey() throws Exception {
    register("kim");
    String before = login("kim", PASSWORD).getString("accessToken");
    String newKid = node.rotateKeys().signingKeyId();
    String after = login("kim", PASSWORD).getString("accessToken");
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
    assertThat(SignedJWT.parse(before).getHeader().getKeyID()).isNotEqualTo(newKid);
    assertThat(http.get("/v1/me", before).statusCode()).isEqualTo(200);
    assertThat(http.get("/v1/me", after).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(http.get("/.well-known/jwks.json").body()).getJsonArray("keys")).hasSize(2);
  }

  // ---- bad input

  @Test
  void badBodiesGetProblemsAndStoreNothing() {
    assertProblem(http.post("/v1/auth/register", "{\"username\": \"mal", null), 400);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", 42).put("password", PASSWORD), null), 400);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", "no spaces allowed")
        .put("password", PASSWORD), null), 400);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", "shorty").put("password", "short"), null),
        400);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", "longpw")
        .put("password", "p".repeat(300)), null), 400);
    assertProblem(http.post("/v1/auth/register", new JsonArray().add("not an object"), null), 400);
    assertProblem(http.send(http.request("/v1/auth/register").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("username=x")).build()), 415);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", "huge")
        .put("password", "x".repeat(2_000_000)), null), 413);
    assertProblem(http.send("PATCH", "/v1/admin/users/not-an-id", new JsonObject().put("role", "admin"), adminToken), 400);
    assertProblem(http.send("PATCH", "/v1/admin/users/" + userId("root"), new JsonObject().put("role", "emperor"),
        adminToken), 400);

    String users = http.get("/v1/admin/users?limit=200", adminToken).body();
    assertThat(new JsonObject(users).getJsonArray("users")).hasSize(1);
    assertProblem(http.post("/v1/auth/register", new JsonObject().put("username", "root").put("password", PASSWORD), null),
        409);
  }

  @Test
  void theLastAdminCannotBeDemotedOrDisabled() {
    assertProblem(http.send("PATCH", "/v1/admin/users/" + userId("root"), new JsonObject().put("disabled", true),
        adminToken), 409);
    assertThat(http.get("/v1/me", adminToken).statusCode()).isEqualTo(200);
  }

  // ---- the user directory

  @Test
  void usersAreFoundByIdsAndByUsernamePrefixButDisabledOnesOnlyByIds() {
    Map<String, Http.Account> users = provisionMembers("ana_b", "anac", "bob", "anita", "guest:gia");
    String bob = users.get("bob").token();
    assertThat(http.send("PATCH", "/v1/admin/users/" + users.get("anita").id(), new JsonObject().put("disabled", true),
        adminToken).statusCode()).isEqualTo(200);

    assertThat(usernames(http.get("/v1/users?q=an", bob))).containsExactly("ana_b", "anac");
    assertThat(usernames(http.get("/v1/users?q=%40AN", bob))).containsExactly("ana_b", "anac");
    // '_' is a LIKE wildcard in SQL; here it is only itself.
    assertThat(usernames(http.get("/v1/users?q=ana_", bob))).containsExactly("ana_b");
    assertThat(usernames(http.get("/v1/users?q=an&limit=1", bob))).containsExactly("ana_b");

    HttpResponse<String> byIds = http.get("/v1/users?ids=" + users.get("anita").id() + "," + users.get("bob").id()
        + "," + UUID.randomUUID(), bob);
    assertThat(usernames(byIds)).containsExactly("anita", "bob");
    JsonObject anita = new JsonObject(byIds.body()).getJsonArray("users").getJsonObject(0);
    assertThat(anita.getBoolean("deactivated")).isTrue();
    assertThat(anita.fieldNames()).containsExactlyInAnyOrder("id", "username", "displayName", "bot", "deactivated");

    String guest = users.get("gia").token();
    assertThat(usernames(http.get("/v1/users?ids=" + users.get("bob").id(), guest))).containsExactly("bob");
    assertProblem(http.get("/v1/users?q=an", guest), 403);
    assertProblem(http.get("/v1/users", bob), 400);
    assertProblem(http.get("/v1/users?q=an&ids=" + users.get("bob").id(), bob), 400);
    assertProblem(http.get("/v1/users?ids=not-an-id", bob), 400);
    assertProblem(http.get("/v1/users?q=no%20spaces", bob), 400);
    assertProblem(http.get("/v1/users?q=an"), 401);
  }

  private Map<String, Http.Account> provisionMembers(String... names) {
    JsonArray list = new JsonArray();
    for (String name : names) {
      boolean guest = name.startsWith("guest:");
      JsonObject u = new JsonObject().put("username", guest ? name.substring(6) : name);
      list.add(guest ? u.put("role", "guest") : u);
    }
    HttpResponse<String> r = http.post("/v1/admin/users", new JsonObject().put("users", list), adminToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    Map<String, Http.Account> accounts = new HashMap<>();
    for (Object o : new JsonObject(r.body()).getJsonArray("users")) {
      JsonObject c = (JsonObject) o;
      accounts.put(c.getJsonObject("user").getString("username"),
          new Http.Account(c.getJsonObject("user").getString("id"), c.getString("token")));
    }
    return accounts;
  }

  private static List<String> usernames(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("users").stream().map(JsonObject.class::cast)
        .map(u -> u.getString("username")).toList();
  }
}
