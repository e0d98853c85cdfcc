package org.ultrachat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.ratelimit.ClientAddress;

/**
 * Rate limits at the edge, over real HTTP. Clients come from different loopback addresses
 * (127.0.0.1, 127.0.0.2, ...), so each is a different peer. The routes stand in for service
 * handlers; the authenticator believes an {@code X-Test-User} header. Periods are an hour long,
 * so no bucket refills while a test runs.
 */
class RateLimitsTest {
  private static final String ME = "127.0.0.1";
  private static final String NEIGHBOUR = "127.0.0.2";

  private final Map<String, HttpClient> clients = new HashMap<>();
  private Vertx vertx;
  private HttpServer server;

  private void start(Map<Setting, String> settings) {
    Map<Setting, String> all = new HashMap<>(Map.of(
        EdgeSettings.RATE_LIMIT_API_IP, "5/1h",
        EdgeSettings.RATE_LIMIT_AUTH, "2/1h",
        EdgeSettings.RATE_LIMIT_API_USER, "1000/1h"));
    all.putAll(settings);
    Config config = Config.defaults().with(all);
    ApiRoutes.Mount service = api -> {
      api.publicRoute(HttpMethod.POST, "/v1/auth/login", ctx -> ctx.end("welcome"));
      api.publicRoute(HttpMethod.GET, "/v1/channels", ctx -> ctx.end("[]"));
      api.publicRoute(HttpMethod.GET, "/v1/address", ctx -> ctx.end(ClientAddress.of(ctx)));
      api.protectedRoute(HttpMethod.GET, "/v1/me",
          ctx -> ctx.end(ctx.<Authenticator.Caller>get(Authenticator.CALLER).userId()));
    };
    Authenticator byTestHeader = ctx -> Optional.ofNullable(ctx.request().getHeader("X-Test-User"))
        .map(user -> Future.succeededFuture(new Authenticator.Caller(user, "member", Optional.empty(), Set.of("*"))))
        .orElseGet(() -> Future.failedFuture(new ProblemException.Unauthorized("no X-Test-User")));
    vertx = Vertx.vertx();
    var parts = new Edge.Parts(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of(),
        byTestHeader, List.of(service), EdgeLimits.inMemory(config));
    server = vertx.createHttpServer().requestHandler(Edge.router(vertx, parts)).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private record Answer(int status, MultiMap headers, String body) {
    long header(String name) {
      return Long.parseLong(headers.get(name));
    }
  }

  private Answer call(String from, HttpMethod method, String path, Map<String, String> headers) {
    String body = method == HttpMethod.POST ? "{\"username\":\"alice\"}" : "";
    return call(from, method, path, headers, Buffer.buffer(body));
  }

  private Answer call(String from, HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    // A client per source address, a fresh connection per request: a pooled keep-alive connection
    // that the server closed after a refusal sometimes left the next request waiting for ever.
    HttpClient client = clients.computeIfAbsent(from, address -> vertx.createHttpClient(
        new HttpClientOptions().setLocalAddress(address).setConnectTimeout(10_000).setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(1)));
    // A stalled connection fails the test instead of hanging it.
    RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
        .setURI(path).setIdleTimeout(10_000);
    return client.request(request)
        .compose(req -> {
          headers.forEach(req::putHeader);
          return req.send(body);
        })
        .compose(res -> res.body().map(b -> new Answer(res.statusCode(), res.headers(), b.toString())))
        // Once a run hung here for ten minutes (after a load test had used these loopback
        // addresses); a bounded wait turns that into a failure that names the call.
        .timeout(20, TimeUnit.SECONDS)
        .await();
  }

  private Answer get(String from, String path) {
    return call(from, HttpMethod.GET, path, Map.of());
  }

  private Answer login(String from, Map<String, String> headers) {
    return call(from, HttpMethod.POST, "/v1/auth/login", headers);
  }

  private static String randomAddress() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return r.nextInt(1, 224) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
  }

  private static void assertRefused(Answer a, long limit) {
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.headers().get("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = new JsonObject(a.body());
    assertThat(problem.getString("type")).isEqualTo("urn:ultrachat:problem:too-many-requests");
    assertThat(problem.getInteger("status")).isEqualTo(429);
    // An hour-long period of `limit` tokens gives one back every 3600/limit seconds.
    assertThat(a.header("Retry-After")).isBetween(1L, 3600L / limit);
    assertThat(a.header("RateLimit-Limit")).isEqualTo(limit);
    assertThat(a.header("RateLimit-Remaining")).isZero();
    assertThat(a.header("RateLimit-Reset")).isBetween(1L, 3600L);
  }

  @Test
  void aClientOverTheLimitGetsA429WithRetryAfterAndRateLimitHeaders() {
    start(Map.of());
    for (long remaining = 4; remaining >= 0; remaining--) {
      Answer a = get(ME, "/v1/channels");
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.header("RateLimit-Limit")).isEqualTo(5);
      assertThat(a.header("RateLimit-Remaining")).isEqualTo(remaining);
      assertThat(a.headers().contains("Retry-After")).isFalse();
    }
    assertRefused(get(ME, "/v1/channels"), 5);
  }

  @Test
  void anotherAddressIsUnaffected() {
    start(Map.of());
    for (int i = 0; i < 5; i++) {
      get(ME, "/v1/channels");
    }
    assertRefused(get(ME, "/v1/channels"), 5);
    Answer neighbour = get(NEIGHBOUR, "/v1/channels");
    assertThat(neighbour.status()).isEqualTo(200);
    assertThat(neighbour.header("RateLimit-Remaining")).isEqualTo(4);
  }

  @Test
  void theAuthBucketIsStricterThanTheApiBucketAndBothCount() {
    start(Map.of());
    Answer first = login(ME, Map.of());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("RateLimit-Limit")).as("the tighter bucket is reported").isEqualTo(2);
    assertThat(first.header("RateLimit-Remaining")).isEqualTo(1);
    assertThat(login(ME, Map.of()).status()).isEqualTo(200);
    assertRefused(login(ME, Map.of()), 2);

    // The rest of the API still answers: its bucket had 5, three went to logins (the refused one too).
    Answer channels = get(ME, "/v1/channels");
    assertThat(channels.status()).isEqualTo(200);
    assertThat(channels.header("RateLimit-Limit")).isEqualTo(5);
    assertThat(channels.header("RateLimit-Remaining")).isEqualTo(1);
  }

  @Test
  void spoofedForwardedForDoesNotEscapeTheLimitWhenThePeerIsNoTrustedProxy() {
    start(Map.of());
    for (int i = 0; i < 2; i++) {
      assertThat(login(ME, Map.of("X-Forwarded-For", randomAddress())).status()).isEqualTo(200);
    }
    assertRefused(login(ME, Map.of("X-Forwarded-For", randomAddress())), 2);
    assertThat(get(ME, "/v1/address").body()).isEqualTo(ME);
  }

  @Test
  void behindATrustedProxyForwardedForDecidesTheAddress() {
    start(Map.of(NodeSettings.TRUSTED_PROXIES, "127.0.0.1"));
    Map<String, String> alice = Map.of("X-Forwarded-For", "203.0.113.7");
    Map<String, String> bob = Map.of("X-Forwarded-For", "203.0.113.8");
    assertThat(login(ME, alice).status()).isEqualTo(200);
    assertThat(login(ME, alice).status()).isEqualTo(200);
    assertRefused(login(ME, alice), 2);
    assertThat(login(ME, bob).status()).isEqualTo(200);
    assertThat(call(ME, HttpMethod.GET, "/v1/address", bob).body()).isEqualTo("203.0.113.8");
  }

  @Test
  void prependingFakeEntriesDoesNotEscapeATrustedProxy() {
    start(Map.of(NodeSettings.TRUSTED_PROXIES, "127.0.0.1"));
    for (int i = 0; i < 2; i++) {
      Answer a = login(ME, Map.of("X-Forwarded-For", randomAddress() + ", 203.0.113.9"));
      assertThat(a.status()).isEqualTo(200);
    }
    assertRefused(login(ME, Map.of("X-Forwarded-For", randomAddress() + ", " + randomAddress() + ", 203.0.113.9")), 2);
  }

  @Test
  void aTrustedProxyIsOnlyTheConfiguredOne() {
    start(Map.of(NodeSettings.TRUSTED_PROXIES, "127.0.0.1"));
    Answer a = call(NEIGHBOUR, HttpMethod.GET, "/v1/address", Map.of("X-Forwarded-For", "203.0.113.7"));
    assertThat(a.body()).isEqualTo(NEIGHBOUR);
  }

  @Test
  void aUserOverTheUserLimitGetsA429AndOtherUsersAreUnaffected() {
    start(Map.of(EdgeSettings.RATE_LIMIT_API_IP, "100/1h", EdgeSettings.RATE_LIMIT_API_USER, "3/1h"));
    Map<String, String> alice = Map.of("X-Test-User", "alice");
    for (long remaining = 2; remaining >= 0; remaining--) {
      Answer a = call(ME, HttpMethod.GET, "/v1/me", alice);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).isEqualTo("alice");
      assertThat(a.header("RateLimit-Limit")).as("the user's bucket is the tighter one").isEqualTo(3);
      assertThat(a.header("RateLimit-Remaining")).isEqualTo(remaining);
    }
    // From another address too: the bucket belongs to the user.
    assertRefused(call(NEIGHBOUR, HttpMethod.GET, "/v1/me", alice), 3);
    Answer bob = call(ME, HttpMethod.GET, "/v1/me", Map.of("X-Test-User", "bob"));
    assertThat(bob.status()).isEqualTo(200);
    assertThat(bob.body()).isEqualTo("bob");
  }

  @Test
  void theConnectionServesTheNextRequestAfterARefusedBody() {
    start(Map.of());
    login(ME, Map.of());
    login(ME, Map.of());
    Buffer large = Buffer.buffer(new byte[512 * 1024]);
    assertRefused(call(ME, HttpMethod.POST, "/v1/auth/login", Map.of("Content-Type", "application/json"), large), 2);
    assertThat(get(ME, "/v1/channels").status()).isEqualTo(200);
  }

  @Test
  void operationalRoutesAreNotLimited() {
    start(Map.of(EdgeSettings.RATE_LIMIT_API_IP, "1/1h"));
    for (int i = 0; i < 3; i++) {
      Answer a = get(ME, "/health/live");
      assertThat(a.status()).isIn(200, 204);
      assertThat(a.headers().contains("RateLimit-Limit")).isFalse();
    }
  }
}
