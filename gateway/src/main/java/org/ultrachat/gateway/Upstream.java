package org.ultrachat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A service this node does not run, and where it runs: the gateway passes the service's routes
 * to that address.
 *
 * @param service the service's name, as in {@code services}
 * @param paths   the route patterns the service owns ({@code /v1/channels/*})
 * @param origin  a node (or a load balancer in front of several) running the service
 */
public record Upstream(String service, List<String> paths, URI origin) {
  public Upstream {
    Objects.requireNonNull(service, "service");
    paths = List.copyOf(paths);
    Objects.requireNonNull(origin, "origin");
  }

  /** @return a readiness check: the node at {@code origin} answers its own {@code /health/ready} with 200 */
  public static Supplier<Future<Void>> readiness(Vertx vertx, URI origin) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl("https".equals(origin.getScheme())));
    String ready = origin.resolve("/health/ready").toString();
    return () -> client.request(new RequestOptions().setAbsoluteURI(ready).setTimeout(2_000))
        .compose(request -> request.send())
        .compose(response -> response.body().compose(body -> response.statusCode() == 200
            ? Future.<Void>succeededFuture() : Future.failedFuture("upstream not ready: " + response.statusCode())));
  }
}
