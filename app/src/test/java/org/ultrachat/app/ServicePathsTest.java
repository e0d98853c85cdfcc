package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.service.ServiceModule;

/**
 * A gateway without a service passes on exactly the routes that service declares it owns: every
 * path of the API must belong to one service, or to the edge itself, or a split deployment would
 * answer 404 for it.
 */
class ServicePathsTest {
  private static final List<String> EDGE = List.of("/health/live", "/health/ready", "/metrics", "/openapi.json",
      "/v1/realtime");

  @Test
  void everyApiPathBelongsToExactlyOneServiceOrTheEdge() throws Exception {
    JsonObject paths = new JsonObject(Files.readString(Path.of("../docs/openapi.json"))).getJsonObject("paths");
    Map<String, List<String>> owners = new LinkedHashMap<>();
    for (ServiceModule module : Modules.ALL) {
      owners.put(module.name(), module.publicPaths());
    }
    for (String path : paths.fieldNames()) {
      String concrete = path.replaceAll("\\{[^}]+}", "x");
      List<String> claimedBy = owners.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(pattern -> matches(pattern, concrete))).map(Map.Entry::getKey).toList();
      if (EDGE.contains(path)) {
        assertThat(claimedBy).as(path + " is served by every gateway itself").isEmpty();
      } else {
        assertThat(claimedBy).as(path + " belongs to one service").hasSize(1);
      }
    }
  }

  @Test
  void aPatternCoversItsPrefixAndNothingBeside() {
    assertThat(matches("/v1/channels/*", "/v1/channels/x/messages")).isTrue();
    assertThat(matches("/v1/channels", "/v1/channelsx")).isFalse();
    assertThat(matches("/v1/me/*", "/v1/members")).isFalse();
  }

  /** As Vert.x Web matches a route path: exact, or with a trailing {@code /*} the prefix and below. */
  private static boolean matches(String pattern, String path) {
    if (pattern.endsWith("/*")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return path.equals(prefix) || path.startsWith(prefix + "/");
    }
    return path.equals(pattern);
  }
}
