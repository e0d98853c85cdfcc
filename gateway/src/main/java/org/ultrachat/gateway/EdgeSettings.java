package org.ultrachat.gateway;

import java.util.List;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.ratelimit.RateLimit;

/** The keys of the HTTP edge, which every serving node runs whatever its services. */
public final class EdgeSettings {
  public static final Setting HTTP_HOST = Setting.text("http-host", "0.0.0.0",
      "Address the HTTP and WebSocket server binds to.");
  public static final Setting HTTP_PORT = Setting.integer("http-port", "8080", 0, 65535,
      "Port the HTTP and WebSocket server listens on (0 picks a free port).");
  public static final Setting HTTP_MAX_BODY_BYTES = Setting.integer("http-max-body-bytes", "1048576", 1, 1 << 30,
      "Largest request body accepted, in bytes; larger bodies get 413 before any parsing.");
  public static final Setting HTTP_EVENT_LOOPS = Setting.integer("http-event-loops", "0", 0, 256,
      "HTTP server instances (event loops) to run; 0 means one per CPU core.");
  public static final Setting CORS_ORIGINS = Setting.checked("cors-origins", "",
      "Comma-separated origins allowed to call the API from a browser (e.g. https://chat.example.com). Empty: none.",
      (config, s) -> {
        for (String origin : config.list(s)) {
          if (!origin.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?")) {
            throw new ConfigException(s.key() + ": '" + origin + "' is not an origin like https://chat.example.com");
          }
        }
      });
  public static final Setting RATE_LIMIT_AUTH = RateLimit.setting("rate-limit-auth", "100/15m",
      "Token bucket per client address on /v1/auth/* (register, login, refresh): requests/period (s, m, h).");
  public static final Setting RATE_LIMIT_API_IP = RateLimit.setting("rate-limit-api-ip", "6000/1m",
      "Token bucket per client address on the whole /v1 API.");
  public static final Setting RATE_LIMIT_API_USER = RateLimit.setting("rate-limit-api-user", "1200/1m",
      "Token bucket per authenticated user on protected routes.");

  /** Every key of the edge, in the order the documentation lists them. */
  public static final List<Setting> ALL = List.of(HTTP_HOST, HTTP_PORT, HTTP_MAX_BODY_BYTES, HTTP_EVENT_LOOPS,
      CORS_ORIGINS, RATE_LIMIT_AUTH, RATE_LIMIT_API_IP, RATE_LIMIT_API_USER);

  private EdgeSettings() {
  }
}
