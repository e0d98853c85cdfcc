package org.ultrachat.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Where a service declares its routes. Protected routes get the edge's authentication in front
 * of their handler; public ones do not. Paths are absolute ({@code /v1/...}). Every route
 * declared here records its path template under {@link #ROUTE_KEY}, which metrics and logs use.
 */
public final class ApiRoutes {
  /** Context key holding the matched route's path template, e.g. {@code /v1/channels/:id}. */
  public static final String ROUTE_KEY = "ultrachat.route";

  private final Router router;
  private final Handler<RoutingContext> authentication;

  /**
   * @param router         the router to add routes to
   * @param authentication runs before every protected handler; calls {@code next()} or fails the context
   */
  public ApiRoutes(Router router, Handler<RoutingContext> authentication) {
    this.router = Objects.requireNonNull(router, "router");
    this.authentication = Objects.requireNonNull(authentication, "authentication");
  }

  /** Declares a route anyone may call. */
  public Route publicRoute(HttpMethod method, String path, Handler<RoutingContext> handler) {
    return named(method, path).handler(handler);
  }

  /** Declares a route that needs an authenticated caller ({@link Authenticator#CALLER}). */
  public Route protectedRoute(HttpMethod method, String path, Handler<RoutingContext> handler) {
    return named(method, path).handler(authentication).handler(handler);
  }

  private Route named(HttpMethod method, String path) {
    return router.route(method, path).handler(ctx -> {
      ctx.put(ROUTE_KEY, path);
      ctx.next();
    });
  }

  /** A service's routes, mounted by the edge; implemented by each service's API class. */
  @FunctionalInterface
  public interface Mount {
    void routes(ApiRoutes api);
  }
}
