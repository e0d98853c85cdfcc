package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;

/** The edge of a real node on the embedded store, called over HTTP. */
class EdgeIT {
  private static final String ALLOWED_ORIGIN = "https://chat.example.com";
  private static final long MAX_BODY = 4096;

  @TempDir
  static Path dir;
  static Node node;
  static Http http;

  @BeforeAll
  static void startNode() {
    node = Node.start(Config.defaults().with(Map.of(
        EdgeSettings.HTTP_PORT, "0",
        EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("data").toString(),
        EdgeSettings.HTTP_MAX_BODY_BYTES, Long.toString(MAX_BODY),
        EdgeSettings.CORS_ORIGINS, ALLOWED_ORIGIN)));
    http = new Http(node.port());
  }

  @AfterAll
  static void stopNode() {
    node.stop();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type")).isEqualTo("urn:ultrachat:problem:" + type);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.getString("requestId")).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aClientAskingForAnH2cUpgradeGetsAPlainHttp11Answer() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .build();
    HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
        + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).startsWith("{");
  }

  @Test
  void healthLiveAndReadyAnswerOnTheEmbeddedStore() {
    assertThat(http.get("/health/live").statusCode()).isIn(200, 204);
    HttpResponse<String> ready = http.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getString("outcome")).isEqualTo("UP");
  }

  @Test
  void openApiDocumentIsServed() {
    HttpResponse<String> response = http.get("/openapi.json");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void unknownRouteGetsANotFoundProblem() {
    assertProblem(http.get("/v1/no-such-thing"), 404, "not-found");
  }

  @Test
  void wrongMethodGetsAMethodNotAllowedProblem() {
    assertProblem(http.send(http.request("/health/live").DELETE().build()), 405, "method-not-allowed");
  }

  @Test
  void oversizedBodyGetsAPayloadTooLargeProblem() {
    HttpRequest request = http.request("/v1/anything").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat((int) MAX_BODY + 1))).build();
    assertProblem(http.send(request), 413, "payload-too-large");
  }

  @Test
  void oversizedChunkedBodyWithoutLengthIsCutOffToo() {
    // A stream publisher of unknown length makes the client send the body chunked, with no Content-Length.
    HttpRequest request = http.request("/v1/anything")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[16 * 1024])))
        .build();
    assertProblem(http.send(request), 413, "payload-too-large");
  }

  @Test
  void requestIdIsGeneratedOrKeptWhenWellFormed() {
    String generated = http.get("/health/live").headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(generated).matches("[0-9a-f]{32}");
    HttpResponse<String> kept = http.send(http.request("/health/live").header("X-Request-Id", "trace-1234abcd").GET().build());
    assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("trace-1234abcd");
    HttpResponse<String> replaced = http.send(http.request("/health/live").header("X-Request-Id", "<script>alert(1)</script>").GET().build());
    assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");
  }

  @Test
  void apiResponsesReportTheConfiguredRateLimitAndOperationalOnesDoNot() {
    HttpResponse<String> api = http.get("/v1/no-such-thing");
    assertThat(api.headers().firstValue("RateLimit-Limit")).hasValue("6000");
    assertThat(Long.parseLong(api.headers().firstValue("RateLimit-Remaining").orElseThrow())).isBetween(1L, 5999L);
    assertThat(http.get("/health/live").headers().firstValue("RateLimit-Limit")).isEmpty();
  }

  @Test
  void securityHeadersAreOnEveryResponseIncludingErrors() {
    for (HttpResponse<String> response : new HttpResponse[] {http.get("/health/live"), http.get("/nope")}) {
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
      assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }
  }

  @Test
  void corsAnswersListedOriginsOnly() {
    HttpResponse<String> allowed = http.send(http.request("/health/ready").header("Origin", ALLOWED_ORIGIN)
        .header("Access-Control-Request-Method", "GET").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(allowed.statusCode()).isIn(200, 204);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);

    HttpResponse<String> refused = http.send(http.request("/health/ready").header("Origin", "https://evil.example")
        .GET().build());
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertProblem(refused, 403, "forbidden");
  }

  @Test
  void routeHistogramCountsMoveByExactlyTheRequestsMade() {
    String ok = "http_server_requests_seconds_count{method=\"GET\",route=\"/health/live\",status=\"204\"}";
    String notFound = "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}";
    String clientErrors = "http_server_errors_total{class=\"4xx\",route=\"unmatched\"}";
    double okBefore = http.metric(ok);
    double notFoundBefore = http.metric(notFound);
    double errorsBefore = http.metric(clientErrors);
    for (int i = 0; i < 7; i++) {
      http.get("/health/live");
    }
    for (int i = 0; i < 3; i++) {
      http.get("/v1/missing-" + i);
    }
    assertThat(http.metric(ok) - okBefore).isEqualTo(7);
    assertThat(http.metric(notFound) - notFoundBefore).isEqualTo(3);
    assertThat(http.metric(clientErrors) - errorsBefore).isEqualTo(3);
  }

  @Test
  void poolStatusIsExposed() {
    http.get("/health/ready");
    String text = http.get("/metrics").body();
    assertThat(text).contains("ultrachat_store_pool_max{pool=\"store-writer\"} 1.0")
        .contains("ultrachat_store_pool_size{pool=\"store-reader\"}")
        .contains("ultrachat_store_pool_in_use{pool=\"store-reader\"}")
        .contains("ultrachat_store_pool_idle{pool=\"store-reader\"}")
        .contains("ultrachat_store_pool_waiting{pool=\"store-reader\"}")
        .contains("jvm_memory_used_bytes").contains("process_cpu_usage").contains("disk_free_bytes");
  }

  // ---- the web client's files

  @Test
  void theWebClientIsServedAtTheRootUnderTheStrictPolicy() {
    HttpResponse<String> index = http.get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(index.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");

    HttpResponse<String> module = http.get("/js/main.js");
    assertThat(module.statusCode()).isEqualTo(200);
    assertThat(module.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(http.get("/app.css").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
  }

  @Test
  void theWebClientLeavesApiPathsAndUnknownFilesAlone() {
    assertProblem(http.get("/v1/no-such-thing"), 404, "not-found");
    // A GET on a POST-only API route is still a 405, not a file lookup.
    assertProblem(http.get("/v1/auth/login"), 405, "method-not-allowed");
    assertProblem(http.get("/no-such-file.js"), 404, "not-found");
    assertProblem(http.get("/js/"), 404, "not-found");
    HttpResponse<String> traversal = http.get("/js/../../../../etc/passwd");
    assertThat(traversal.statusCode()).isEqualTo(404);
    assertThat(traversal.body()).doesNotContain("root:");
  }
}
