package org.ultrachat.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.ultrachat.gateway.realtime.Realtime;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Authenticator;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.ratelimit.ClientAddress;

/**
 * Builds the edge router: request ids, the client address, request metrics and access log,
 * security headers, CORS, rate limits, the body cap, problem documents for every failure, the
 * operational routes (health, metrics, OpenAPI), the routes of every local service, and the
 * browser client's files at {@code /}.
 */
public final class Edge {
  /** Where the OpenAPI description is served. */
  public static final String OPENAPI_PATH = "/openapi.json";
  private static final String OPENAPI_RESOURCE = "org/ultrachat/gateway/openapi.json";

  private Edge() {
  }

  /**
   * What the edge is built from.
   *
   * @param readiness     named checks that must all pass for {@code /health/ready}
   * @param authenticator decides the caller on protected routes
   * @param services      the routes of the services running on this node
   * @param limits        the rate limiters, one set per node (not per router)
   * @param realtime      the WebSocket gateway, when this node serves {@code /v1/realtime}
   * @param upstreams     services this node does not run, whose routes it passes on
   */
  public record Parts(Config config, PrometheusMeterRegistry registry, Map<String, Supplier<Future<Void>>> readiness,
                      Authenticator authenticator, List<ApiRoutes.Mount> services, EdgeLimits limits,
                      Optional<Realtime> realtime, List<Upstream> upstreams) {
    /** Parts of an edge that runs every service it serves. */
    public Parts(Config config, PrometheusMeterRegistry registry, Map<String, Supplier<Future<Void>>> readiness,
                 Authenticator authenticator, List<ApiRoutes.Mount> services, EdgeLimits limits,
                 Optional<Realtime> realtime) {
      this(config, registry, readiness, authenticator, services, limits, realtime, List.of());
    }

    /** Parts of an edge without the WebSocket gateway. */
    public Parts(Config config, PrometheusMeterRegistry registry, Map<String, Supplier<Future<Void>>> readiness,
                 Authenticator authenticator, List<ApiRoutes.Mount> services, EdgeLimits limits) {
      this(config, registry, readiness, authenticator, services, limits, Optional.empty());
    }

    public Parts {
      Objects.requireNonNull(realtime, "realtime");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(registry, "registry");
      readiness = Map.copyOf(readiness);
      Objects.requireNonNull(authenticator, "authenticator");
      services = List.copyOf(services);
      Objects.requireNonNull(limits, "limits");
      upstreams = List.copyOf(upstreams);
    }
  }

  /** @return a router for one HTTP server instance */
  public static Router router(Vertx vertx, Parts parts) {
    EdgeOptions options = EdgeOptions.of(parts.config());
    Problems problems = new Problems(options.maxBodyBytes());
    ClientAddress clientAddress = ClientAddress.of(parts.config());
    RateLimits limits = new RateLimits(parts.limits());
    Router router = Router.router(vertx);

    router.route().handler(new RequestIds());
    router.route().handler(ctx -> {
      ctx.put(ClientAddress.KEY, clientAddress.resolve(ctx.request()));
      ctx.next();
    });
    router.route().handler(new RequestMetrics(parts.registry()));
    router.route().handler(new SecurityHeaders());
    if (!options.corsOrigins().isEmpty()) {
      // With no allowlist there is no CORS handler at all: browsers then refuse cross-origin calls.
      router.route().handler(CorsHandler.create()
          .addOrigins(options.corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "Content-Type", RequestIds.HEADER, "X-CSRF-Token"))
          .exposedHeaders(Set.of(RequestIds.HEADER, "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
              "RateLimit-Reset", "Location"))
          .allowCredentials(true)
          .maxAgeSeconds(600));
    }
    // Routes of services running elsewhere stream through unread. The service node parses and caps
    // them, and applies the rate limits to the forwarded address and the caller: a bucket shared
    // through Redis would be charged twice if this node took from it as well.
    new ServiceProxy(options.maxBodyBytes()).mount(vertx, router, parts.upstreams());
    // Both address buckets apply on /v1/auth/*; limits come before the body, so a refused request is not read.
    router.route("/v1/*").handler(limits::apiByAddress);
    router.route("/v1/auth/*").handler(limits::authByAddress);
    // The WebSocket upgrade comes before the body handler, which would read the request it upgrades.
    parts.realtime().ifPresent(realtime -> router.route(HttpMethod.GET, Realtime.PATH).handler(ctx -> {
      ctx.put(ApiRoutes.ROUTE_KEY, Realtime.PATH);
      ctx.next();
    }).handler(realtime::handshake));
    // The cap applies before any parsing; with a Content-Length over it nothing of the body is read.
    router.route().handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));

    ApiRoutes api = new ApiRoutes(router, authentication(parts.authenticator(), limits));
    operationalRoutes(vertx, api, parts);
    parts.services().forEach(service -> service.routes(api));
    // The browser client comes last: a GET that no API route took may be one of its files. A
    // regex route that never matches API paths: a route that matched them and passed on would turn a
    // 405 (GET on a POST route) into a 404; and, having no plain path, it names no API operation.
    router.getWithRegex(WebClient.PATHS).handler(new WebClient());

    router.route().failureHandler(problems::handle);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 503}) {
      router.errorHandler(status, problems::handle);
    }
    return router;
  }

  private static void operationalRoutes(Vertx vertx, ApiRoutes api, Parts parts) {
    api.publicRoute(HttpMethod.GET, "/health/live", HealthCheckHandler.create(vertx));
    HealthChecks ready = HealthChecks.create(vertx);
    parts.readiness().forEach((name, check) -> ready.register(name, 2_000, promise ->
        check.get().onComplete(done -> promise.complete(done.succeeded() ? Status.OK() : Status.KO()))));
    api.publicRoute(HttpMethod.GET, "/health/ready", HealthCheckHandler.createWithHealthChecks(ready));
    api.publicRoute(HttpMethod.GET, "/metrics", PrometheusScrapingHandler.create(parts.registry()));
    Buffer openapi = openApiDocument();
    api.publicRoute(HttpMethod.GET, OPENAPI_PATH, ctx -> ctx.response()
        .putHeader("Content-Type", "application/json").end(openapi));
  }

  private static Handler<RoutingContext> authentication(Authenticator authenticator, RateLimits limits) {
    return ctx -> authenticator.authenticate(ctx)
        .onSuccess(caller -> {
          // A credential with narrow scopes (a read-only personal access token) reads and nothing more.
          HttpMethod method = ctx.request().method();
          String needed = method == HttpMethod.GET || method == HttpMethod.HEAD ? "read" : "write";
          if (!caller.hasScope(needed)) {
            ctx.fail(new ProblemException.Forbidden("this token lacks the '" + needed + "' scope"));
            return;
          }
          ctx.put(Authenticator.CALLER, caller);
          limits.byUser(ctx, caller);
        })
        .onFailure(ctx::fail);
  }

  /** @return the OpenAPI description shipped in this jar (docs/openapi.json at build time) */
  public static Buffer openApiDocument() {
    try (InputStream in = Edge.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
