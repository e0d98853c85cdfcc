package org.ultrachat.gateway;

import java.util.List;
import java.util.Objects;
import org.ultrachat.platform.config.Config;

/** The edge's settings, read from configuration once. */
record EdgeOptions(String host, int port, long maxBodyBytes, List<String> corsOrigins) {
  EdgeOptions {
    Objects.requireNonNull(host, "host");
    corsOrigins = List.copyOf(corsOrigins);
  }

  static EdgeOptions of(Config config) {
    return new EdgeOptions(config.string(EdgeSettings.HTTP_HOST), config.integer(EdgeSettings.HTTP_PORT),
        config.integer(EdgeSettings.HTTP_MAX_BODY_BYTES), config.list(EdgeSettings.CORS_ORIGINS));
  }
}
