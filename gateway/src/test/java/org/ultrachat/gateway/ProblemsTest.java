package org.ultrachat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;

/**
 * How the edge answers failures of service handlers: domain problems keep their status,
 * unexpected exceptions become a 500 that leaks nothing, bad JSON is a 400, and protected routes
 * refuse callers the authenticator refuses. The routes here stand in for a service's handlers.
 */
class ProblemsTest {
  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ApiRoutes.Mount service = api -> {
      api.publicRoute(HttpMethod.GET, "/v1/boom", ctx -> {
        throw new IllegalStateException("secret connection string postgresql://admin:hunter2@db");
      });
      api.publicRoute(HttpMethod.GET, "/v1/taken", ctx -> ctx.fail(new ProblemException.Conflict("that name is taken")));
      api.publicRoute(HttpMethod.GET, "/v1/busy",
          ctx -> ctx.fail(new ProblemException.TooManyRequests("slow down", 42)));
      api.publicRoute(HttpMethod.GET, "/v1/pool-full", ctx -> ctx.fail(
          new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 10000")));
      api.publicRoute(HttpMethod.POST, "/v1/echo", ctx -> ctx.json(ctx.body().asJsonObject()));
      api.protectedRoute(HttpMethod.GET, "/v1/private", ctx -> ctx.end("secret"));
    };
    var parts = new Edge.Parts(Config.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of(),
        Authenticator.refuseAll(), List.of(service), EdgeLimits.inMemory(Config.defaults()));
    server = vertx.createHttpServer().requestHandler(Edge.router(vertx, parts)).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private record Answer(int status, String contentType, MultiMap headers, JsonObject body) {
  }

  private Answer call(HttpMethod method, String path, String body) {
    return client.request(method, server.actualPort(), "127.0.0.1", path)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(b -> new Answer(res.statusCode(), contentType(res), res.headers(),
            new JsonObject(b))))
        .await();
  }

  private static String contentType(HttpClientResponse res) {
    return res.getHeader("Content-Type");
  }

  @Test
  void unexpectedExceptionIsA500ThatNamesOnlyTheRequestId() {
    Answer a = call(HttpMethod.GET, "/v1/boom", "");
    assertThat(a.status()).isEqualTo(500);
    assertThat(a.contentType()).isEqualTo("application/problem+json");
    assertThat(a.body().getString("type")).isEqualTo("urn:ultrachat:problem:internal");
    assertThat(a.body().encode()).doesNotContain("hunter2").doesNotContain("IllegalStateException")
        .contains(a.body().getString("requestId"));
  }

  @Test
  void domainProblemKeepsItsStatusAndDetail() {
    Answer a = call(HttpMethod.GET, "/v1/taken", "");
    assertThat(a.status()).isEqualTo(409);
    assertThat(a.body().getString("detail")).isEqualTo("that name is taken");
  }

  @Test
  void tooManyRequestsSaysWhenToRetry() {
    Answer a = call(HttpMethod.GET, "/v1/busy", "");
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.body().getString("type")).isEqualTo("urn:ultrachat:problem:too-many-requests");
    assertThat(a.headers().get("Retry-After")).isEqualTo("42");
  }

  @Test
  void aStorePoolTooBusyToQueueIsA503NotA500() {
    Answer a = call(HttpMethod.GET, "/v1/pool-full", "");
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.body().getString("detail")).isEqualTo("the server is busy; retry shortly");
  }

  @Test
  void otherProblemsCarryNoRetryAfter() {
    assertThat(call(HttpMethod.GET, "/v1/taken", "").headers().contains("Retry-After")).isFalse();
  }

  @Test
  void malformedJsonIsABadInputProblem() {
    Answer a = call(HttpMethod.POST, "/v1/echo", "{\"unterminated\": ");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body().getString("type")).isEqualTo("urn:ultrachat:problem:bad-input");
  }

  @Test
  void protectedRouteRefusesWhenTheAuthenticatorDoes() {
    Answer a = call(HttpMethod.GET, "/v1/private", "");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.body().getString("type")).isEqualTo("urn:ultrachat:problem:unauthorized");
  }
}
