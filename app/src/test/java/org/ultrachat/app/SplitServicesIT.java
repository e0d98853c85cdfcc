package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ultrachat.app.Http.ok;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.testing.TestPostgres;
import org.ultrachat.platform.testing.TestRedis;

/**
 * Services split over processes, one service each: a gateway-only node ({@code services=gateway})
 * in front of an auth node ({@code services=auth}) and a chat node ({@code services=chat}, which
 * checks tokens and looks users up on the auth node). Clients talk to the gateway alone, for REST
 * and WebSockets.
 */
class SplitServicesIT {
  private static final String SECRET = "split-services-test-secret-0123456789abcdef";
  // Kept when a test fails: the nodes' logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  private static TestPostgres pg;
  private static Vertx clients;
  private static Map<String, String> env;
  private static ClusterNode authNode;
  private static ClusterNode chatNode;
  private static ClusterNode edge;
  @RegisterExtension
  static final TestWatcher NODE_PROBLEMS = ClusterNode.reportingProblemsOf(() -> Arrays.asList(authNode, chatNode, edge));
  private static final List<ClusterNode> extra = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    pg = TestPostgres.create();
    clients = Vertx.vertx();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env = Map.of("ULTRACHAT_DB_URL", pg.url(), "ULTRACHAT_REDIS_URL", TestRedis.url(),
        "ULTRACHAT_MASTER_KEY", Base64.getEncoder().encodeToString(key), "ULTRACHAT_CLUSTER_SECRET", SECRET,
        // The service nodes believe the client address the gateway forwards.
        "ULTRACHAT_TRUSTED_PROXIES", "127.0.0.1");
    authNode = ClusterNode.start("auth-1", dir, with(env, "ULTRACHAT_SERVICES", "auth")).awaitReady();
    chatNode = chatNode("chat-1");
    edge = gatewayFor("edge-1", authNode, chatNode);
  }

  private static ClusterNode chatNode(String name) throws Exception {
    return ClusterNode.start(name, dir, with(with(env, "ULTRACHAT_SERVICES", "chat"),
        "ULTRACHAT_UPSTREAM_AUTH", "http://127.0.0.1:" + authNode.port)).awaitReady();
  }

  private static ClusterNode gatewayFor(String name, ClusterNode auth, ClusterNode chat) throws Exception {
    Map<String, String> gatewayEnv = with(with(with(env, "ULTRACHAT_SERVICES", "gateway"),
        "ULTRACHAT_UPSTREAM_AUTH", "http://127.0.0.1:" + auth.port), "ULTRACHAT_UPSTREAM_CHAT", "http://127.0.0.1:" + chat.port);
    return ClusterNode.start(name, dir, gatewayEnv).awaitReady();
  }

  @AfterAll
  static void stopNodes() {
    extra.forEach(ClusterNode::close);
    for (ClusterNode n : new ClusterNode[] {edge, chatNode, authNode}) {
      if (n != null) {
        n.close();
      }
    }
    if (clients != null) {
      clients.close().await();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aGatewayOnlyNodeServesTheWholeApiOverRestAndWebSockets() throws Exception {
    Http http = new Http(edge.port);
    // Auth routes, through the gateway to the auth upstream.
    String ann = http.register("split-ann").token();
    String bob = http.register("split-bob").token();
    HttpResponse<String> me = http.send(http.request("/v1/me").header("Authorization", "Bearer " + ann)
        .header("X-Request-Id", "split-request-0001").GET().build());
    assertThat(ok(me).getString("username")).isEqualTo("split-ann");
    // One request id across both hops, and the headers of one answer, not of two.
    assertThat(me.headers().allValues("X-Request-Id")).containsExactly("split-request-0001");
    assertThat(me.headers().allValues("X-Content-Type-Options")).hasSize(1);
    assertThat(http.get("/.well-known/jwks.json").statusCode()).isEqualTo(200);
    // Chat routes, through the gateway to the chat upstream.
    String channel = ok(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "split"), ann))
        .getString("id");
    ok(http.send("POST", "/v1/channels/" + channel + "/join", null, bob));
    ok(http.post("/v1/channels/" + channel + "/messages", new JsonObject().put("body", "over rest"), ann));
    assertThat(ok(http.get("/v1/channels/" + channel + "/messages", bob)).getJsonArray("messages")).hasSize(1);
    // The gateway's own routes.
    assertThat(http.get("/openapi.json").statusCode()).isEqualTo(200);
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("upstream-auth", "upstream-chat");

    // WebSockets held by the gateway: its checks and sends go to the chat node, events come over Redis.
    RealtimeClient annSocket = RealtimeClient.connect(clients, edge.port, ann);
    RealtimeClient bobSocket = RealtimeClient.connect(clients, edge.port, bob);
    annSocket.live();
    bobSocket.live();
    Set<Long> acked = new HashSet<>();
    for (int n = 0; n < 30; n++) {
      RealtimeClient sender = n % 2 == 0 ? annSocket : bobSocket;
      acked.add(sender.sendMessage(channel, "split-" + n, "message " + n).getLong("seq"));
    }
    // A message posted straight on the chat node reaches the gateway's sockets too.
    long direct = ok(new Http(chatNode.port).post("/v1/channels/" + channel + "/messages",
        new JsonObject().put("body", "straight to a service node"), bob)).getLong("seq");
    acked.add(direct);
    for (RealtimeClient member : List.of(annSocket, bobSocket)) {
      assertThat(member.awaitSeqs(channel, acked)).isSorted().doesNotHaveDuplicates();
    }
    // A retried send (same client id) through the gateway is stored once.
    JsonObject again = annSocket.sendMessage(channel, "split-0", "message 0");
    assertThat(again.getBoolean("duplicate")).as(again.encode()).isTrue();

    // The chat node looks users up on the auth node: an invitation by id, a mention by username.
    Http.Account cy = http.register("split-cy");
    String team = ok(http.post("/v1/channels", new JsonObject().put("kind", "private").put("name", "split-team"), ann))
        .getString("id");
    ok(http.post("/v1/channels/" + team + "/members", new JsonObject().put("userId", cy.id()), ann));
    assertThat(http.post("/v1/channels/" + team + "/members",
        new JsonObject().put("userId", "01a00000-0000-7000-8000-000000000000"), ann).statusCode()).isEqualTo(404);
    annSocket.sendMessage(channel, "mention-1", "hello @split-bob");
    bobSocket.await(f -> "event".equals(f.getString("type"))
        && "mention".equals(f.getJsonObject("event").getString("type")), RealtimeClient.WAIT);

    // A logout through the gateway closes the session's socket on the gateway.
    ok(http.send("POST", "/v1/auth/logout", new JsonObject(), ann));
    assertThat(annSocket.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
    assertThat(http.get("/v1/channels", ann).statusCode()).isEqualTo(401);
    bobSocket.close();
  }

  @Test
  void aBrowserSessionRefreshesThroughTheGatewayWithItsCookies() {
    Http http = new Http(edge.port);
    http.register("split-eve");
    HttpResponse<String> login = http.post("/v1/auth/login", new JsonObject().put("username", "split-eve")
        .put("password", "split-eve password long").put("client", "browser"), null);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("uc_refresh="))
        .findFirst().orElseThrow();
    String refresh = cookie.substring("uc_refresh=".length(), cookie.indexOf(';'));
    String csrf = new JsonObject(login.body()).getString("csrfToken");
    HttpResponse<String> refreshed = http.send(http.request("/v1/auth/refresh")
        .header("Cookie", "uc_refresh=" + refresh + "; uc_csrf=" + csrf).header("X-CSRF-Token", csrf)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    assertThat(refreshed.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("uc_refresh="));
    assertThat(ok(http.get("/v1/me", new JsonObject(refreshed.body()).getString("accessToken"))).getString("username"))
        .isEqualTo("split-eve");
  }

  @Test
  void theWebClientInChromiumWorksThroughTheGatewayOnlyNode() {
    Browser.requireChromium();
    String base = "http://127.0.0.1:" + edge.port;
    Browser cy = new Browser(base);
    Browser dee = new Browser(base);
    try {
      // Registration and sign-in go to the auth node, channels and messages to the chat node,
      // live updates over the gateway's WebSockets.
      cy.register("web-cy", "Cy Twombly");
      dee.register("web-dee", "Dee Rivers");
      cy.createChannel("web-room");
      dee.joinChannel("web-room");
      cy.send("hello through the gateway");
      dee.waitMessage("hello through the gateway");
      // Ending on the mention would leave Enter to the mention picker: the text goes on after it.
      dee.send("hi @web-cy, welcome");
      cy.waitMessage("hi @web-cy, welcome");

      cy.startDirectMessage("web-dee");
      cy.waitConversation("Dee Rivers");
      cy.send("just us");
      dee.openConversation("Cy Twombly");
      dee.waitMessage("just us");

      // A reload signs in again with the refresh cookie and shows the history from the chat node.
      cy.driver.navigate().refresh();
      cy.waitSignedIn("web-cy");
      cy.openConversation("web-room");
      cy.wait.until(d -> cy.messages().equals(List.of("hello through the gateway", "hi @web-cy, welcome")));
    } finally {
      List<String> console = new ArrayList<>(cy.consoleLog());
      console.addAll(dee.consoleLog());
      if (!console.isEmpty()) {
        System.out.println("console of the browsers:\n  " + String.join("\n  ", console));
      }
      cy.close();
      dee.close();
      assertThat(console).as("script errors and CSP refusals")
          .noneMatch(line -> line.contains("Uncaught") || line.contains("Content Security Policy"));
    }
  }

  @Test
  void badInputThroughTheGatewayGetsTheServicesProblemAndChangesNothing() {
    Http http = new Http(edge.port);
    String cat = http.register("split-cat").token();
    HttpResponse<String> malformed = http.send(http.request("/v1/channels").header("Authorization", "Bearer " + cat)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"kind\":")).build());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    HttpResponse<String> huge = http.send(http.request("/v1/channels").header("Authorization", "Bearer " + cat)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "x".repeat(1_100_000) + "\"}")).build());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(http.get("/v1/nothing-here").statusCode()).isEqualTo(404);
    assertThat(ok(http.get("/v1/channels", cat)).getJsonArray("channels")).isEmpty();
  }

  @Test
  void internalRoutesNeedTheClusterSecretAndAreNotOnTheGateway() {
    JsonObject body = new JsonObject().put("token", "anything");
    for (String secret : new String[] {null, "wrong-" + SECRET}) {
      HttpRequest.Builder request = new Http(authNode.port).request("/internal/v1/authenticate")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
      if (secret != null) {
        request.header("Authorization", "Bearer " + secret);
      }
      HttpResponse<String> refused = new Http(authNode.port).send(request.build());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    }
    HttpResponse<String> onGateway = new Http(edge.port).send(new Http(edge.port).request("/internal/v1/authenticate")
        .header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    // No such route there: what a gateway has beyond the API is the web client, which answers GET only.
    assertThat(onGateway.statusCode()).isIn(404, 405);
    // With the secret, a bad token is still a 401 from the auth service, not an identity.
    HttpResponse<String> badToken = new Http(authNode.port).send(new Http(authNode.port).request("/internal/v1/authenticate")
        .header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    assertThat(badToken.statusCode()).as(badToken.body()).isEqualTo(401);
  }

  @Test
  void whenTheChatUpstreamIsDownTheGatewaySaysSoAndAcksNothing() throws Exception {
    ClusterNode doomed = chatNode("chat-2");
    extra.add(doomed);
    ClusterNode gateway = gatewayFor("edge-2", authNode, doomed);
    extra.add(gateway);
    Http http = new Http(gateway.port);
    String dan = http.register("split-dan").token();
    String channel = ok(http.post("/v1/channels", new JsonObject().put("kind", "public").put("name", "doomed"), dan))
        .getString("id");
    RealtimeClient socket = RealtimeClient.connect(clients, gateway.port, dan);
    socket.live();
    socket.sendMessage(channel, "before", "before");

    doomed.kill();
    HttpResponse<String> rest = http.post("/v1/channels/" + channel + "/messages", new JsonObject().put("body", "x"), dan);
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(503);
    assertThat(rest.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    String id = RealtimeClient.newId("s");
    socket.send(new JsonObject().put("type", "send").put("id", id).put("channelId", channel)
        .put("clientId", "during").put("body", "during"));
    JsonObject error = socket.answer(id, "error");
    assertThat(error.getInteger("status")).as(error.encode()).isEqualTo(503);
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(503);
    // The auth upstream still answers, and nothing was stored for the refused sends.
    assertThat(http.get("/v1/me", dan).statusCode()).isEqualTo(200);
    List<String> bodies = ok(new Http(chatNode.port).get("/v1/channels/" + channel + "/messages", dan))
        .getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("body")).toList();
    assertThat(bodies).containsExactly("before");
    socket.close();
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> copy = new HashMap<>(base);
    copy.put(key, value);
    return copy;
  }
}
