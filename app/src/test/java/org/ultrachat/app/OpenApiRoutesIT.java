package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.gateway.Edge;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;

/**
 * The router of a node running every service and docs/openapi.json must name the same
 * operations: one source of truth for the API.
 */
class OpenApiRoutesIT {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @TempDir
  Path dir;

  @Test
  void routerAndOpenApiDocumentNameTheSameOperations() {
    Node node = Node.start(Config.defaults().with(Map.of(EdgeSettings.HTTP_PORT, "0", EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.toString())));
    try {
      Router router = Edge.router(node.vertx(), node.edgeParts().orElseThrow());
      Set<String> routed = new TreeSet<>();
      for (Route route : router.getRoutes()) {
        if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
          continue; // edge-wide handlers (ids, metrics, limits, body cap, failures), not operations
        }
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
      assertThat(routed).contains("POST /v1/auth/login").isEqualTo(documented);
    } finally {
      node.stop();
    }
  }
}
