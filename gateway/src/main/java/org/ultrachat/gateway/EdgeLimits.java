package org.ultrachat.gateway;

import java.util.Objects;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.ratelimit.RateLimit;
import org.ultrachat.platform.ratelimit.RateLimiter;

/**
 * The edge's rate limiters. Created once per node and shared by every HTTP server instance, so
 * that a client's requests count against one bucket whichever event loop serves them.
 *
 * @param apiByAddress  per client address, on all of {@code /v1}
 * @param authByAddress per client address, on {@code /v1/auth/*}, on top of {@code apiByAddress}
 * @param apiByUser     per authenticated user id, on protected routes
 */
public record EdgeLimits(RateLimiter apiByAddress, RateLimiter authByAddress, RateLimiter apiByUser) {
  public EdgeLimits {
    Objects.requireNonNull(apiByAddress, "apiByAddress");
    Objects.requireNonNull(authByAddress, "authByAddress");
    Objects.requireNonNull(apiByUser, "apiByUser");
  }

  /**
   * @return limiters holding their buckets in this process, with the configured rates; a client
   *     spread over several nodes gets each node's rate
   */
  public static EdgeLimits inMemory(Config config) {
    return of(config, RateLimiter.Factory.inMemory());
  }

  /** @return the configured limiters, made by {@code factory} (in memory, or shared through Redis) */
  public static EdgeLimits of(Config config, RateLimiter.Factory factory) {
    return new EdgeLimits(
        factory.create("api-ip", RateLimit.of(config, EdgeSettings.RATE_LIMIT_API_IP)),
        factory.create("auth-ip", RateLimit.of(config, EdgeSettings.RATE_LIMIT_AUTH)),
        factory.create("api-user", RateLimit.of(config, EdgeSettings.RATE_LIMIT_API_USER)));
  }
}
