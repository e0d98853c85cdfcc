package org.ultrachat.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.ultrachat.platform.http.ApiRoutes;

/**
 * Serves the browser client (docs/web-client.md): static files from the classpath, on the same
 * origin as the API, {@code index.html} at {@code /}. Its route comes after every API route and
 * never matches under {@code /v1/} or {@code /.well-known/} ({@link #PATHS}), so API paths keep
 * their own 404 and 405.
 */
final class WebClient implements Handler<RoutingContext> {
  /**
   * Where the files are on the classpath. A name no working directory is likely to hold: Vert.x
   * looks for a relative web root on the file system before the classpath.
   */
  static final String WEB_ROOT = "org/ultrachat/gateway/web";
  /** The paths it may answer: anything but the API ({@code /v1}) and {@code /.well-known/}. */
  static final String PATHS = "/(?!v1(?:/|$)|\\.well-known/).*";
  /** The label of served files in request metrics and the access log. */
  static final String ROUTE = "web";

  private final StaticHandler files = StaticHandler.create(WEB_ROOT)
      .setDirectoryListing(false)
      .setIncludeHidden(false)
      .setIndexPage("index.html")
      .setDefaultContentEncoding("UTF-8")
      // Last-Modified and conditional requests stay on; the Cache-Control it would send is replaced below.
      .setCachingEnabled(true);

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (ctx.response().getStatusCode() < 400) {
        // The modules are not content-hashed: a browser must revalidate them, or an upgrade would mix versions.
        ctx.response().headers().set("Cache-Control", "no-cache");
        ctx.put(ApiRoutes.ROUTE_KEY, ROUTE);
      }
    });
    files.handle(ctx);
  }
}
