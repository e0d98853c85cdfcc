package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ultrachat.gateway.Edge;
import org.ultrachat.gateway.EdgeLimits;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.Authenticator;

/** The router and docs/openapi.json must name the same operations: one source of truth for the API. */
class OpenApiRoutesTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void routerAndOpenApiDocumentNameTheSameOperations() {
    Router router = Edge.router(vertx, new Edge.Parts(Config.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        Map.of(), Authenticator.refuseAll(), Node.serviceRoutes(Set.copyOf(Node.KNOWN_SERVICES)),
        EdgeLimits.inMemory(Config.defaults())));

    Set<String> routed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      boolean anyMethod = route.methods() == null || route.methods().isEmpty();
      if (route.getPath() == null || !route.isExactPath() && anyMethod) {
        continue; // edge-wide handlers (ids, metrics, body cap, failures, /v1/* limits), not operations
      }
      assertThat(route.methods()).as("route %s names its methods", route.getPath()).isNotEmpty();
      route.methods().forEach(m -> routed.add(m.name() + " " + route.getPath().replaceAll(":(\\w+)", "{$1}")));
    }

    JsonObject paths = new JsonObject(Edge.openApiDocument()).getJsonObject("paths");
    Set<String> documented = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (HTTP_METHODS.contains(method)) {
          documented.add(method.toUpperCase() + " " + path);
        }
      }
    }

    assertThat(routed).isNotEmpty().isEqualTo(documented);
  }
}
