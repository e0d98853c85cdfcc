package org.ultrachat.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.http.ApiRoutes;

/**
 * Times every request into {@code http_server_requests_seconds} (a histogram labelled with the
 * route template, method and status), counts failures into {@code http_server_errors_total},
 * and writes the access log line. Requests that match no route are labelled
 * {@code route="unmatched"} so that scanners cannot blow up the label set.
 */
final class RequestMetrics implements Handler<RoutingContext> {
  static final String UNMATCHED = "unmatched";
  private static final Logger ACCESS = LoggerFactory.getLogger("ultrachat.access");
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;

  RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> record(ctx, System.nanoTime() - start, done.succeeded()));
    ctx.next();
  }

  private void record(RoutingContext ctx, long nanos, boolean completed) {
    String route = ctx.get(ApiRoutes.ROUTE_KEY, UNMATCHED);
    String method = ctx.request().method().name();
    int status = ctx.response().getStatusCode();
    String statusLabel = completed ? Integer.toString(status) : "aborted";
    Timer.builder("http.server.requests")
        .description("HTTP requests by route template, method and status")
        .tags("route", route, "method", method, "status", statusLabel)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(nanos));
    if (status >= 400 || !completed) {
      Counter.builder("http.server.errors")
          .description("HTTP requests that ended in a 4xx or 5xx status, or were aborted")
          .tags("route", route, "class", completed ? (status >= 500 ? "5xx" : "4xx") : "aborted")
          .register(registry)
          .increment();
    }
    ACCESS.atInfo()
        .addKeyValue("request_id", RequestIds.of(ctx))
        .addKeyValue("method", method)
        .addKeyValue("path", ctx.request().path())
        .addKeyValue("route", route)
        .addKeyValue("status", statusLabel)
        .addKeyValue("ms", nanos / 1_000_000.0)
        .log("request");
  }
}
